#pragma once
// What the broker keeps across restarts: retained messages and persistent
// sessions (their subscriptions and their queued QoS 1/2 messages).
//
// Writes are queued and applied in batched transactions on the store's own
// thread, so an event-loop thread never waits for the disk. Records use plain
// types only; the broker encodes MQTT 5 properties into `properties` itself.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/expected.hpp"

namespace ts::store {

struct RetainedRecord {
    std::string topic{};
    std::string payload{};
    std::uint8_t qos = 0;
    std::string properties{};         // opaque blob written by the broker
    std::int64_t expiry_wall_ms = 0;  // 0: never expires
};

struct SessionRecord {
    std::string client_id{};
    std::uint32_t expiry_interval_s = 0;    // 0xFFFFFFFF: never expires
    std::int64_t disconnected_wall_ms = 0;  // 0: connected at the last write
    std::uint8_t protocol_version = 4;
};

struct SubscriptionRecord {
    std::string client_id{};
    std::string filter{};               // as subscribed, "$share/group/..." included
    std::uint8_t options = 0;           // the SUBSCRIBE options byte
    std::uint32_t subscription_id = 0;  // 0: none
};

struct QueuedMessageRecord {
    std::string client_id{};
    std::uint64_t seq = 0;  // per-session order of delivery
    std::string topic{};
    std::string payload{};
    std::uint8_t qos = 1;
    bool retain = false;
    std::string properties{};         // opaque blob written by the broker
    std::int64_t expiry_wall_ms = 0;  // 0: never expires
    std::uint16_t packet_id = 0;      // non-zero when it was in flight
    bool pubrel_pending = false;      // QoS 2: PUBREC received, PUBREL to resend
};

struct BrokerSnapshot {
    std::vector<RetainedRecord> retained;
    std::vector<SessionRecord> sessions;
    std::vector<SubscriptionRecord> subscriptions;
    std::vector<QueuedMessageRecord> messages;  // ordered by client_id, seq
};

// Counters of the write path, for metrics and tests.
struct BrokerStateStats {
    std::uint64_t queued_ops = 0;     // put/delete calls accepted
    std::uint64_t coalesced_ops = 0;  // skipped because a later write in the batch overwrote them
    std::uint64_t committed_ops = 0;  // written in a committed transaction
    std::uint64_t committed_batches = 0;
    std::uint64_t write_errors = 0;  // failed transactions (each retry counts) and rejected writes
    std::uint64_t dropped_ops = 0;   // lost: rejected by SQLite, or given up on at shutdown
    std::uint64_t backlog_ops = 0;   // queued or being written now
    bool last_write_failed = false;  // the last commit attempted failed (for /readyz)
};

class BrokerStateStore {
public:
    virtual ~BrokerStateStore() = default;

    // Reads everything back at startup (blocking; called before serving).
    virtual Expected<BrokerSnapshot, Error> load() = 0;

    // Non-blocking writes; applied in order.
    virtual void put_retained(RetainedRecord r) = 0;  // replaces the topic's record
    virtual void delete_retained(std::string topic) = 0;
    virtual void put_session(SessionRecord s) = 0;  // insert or replace
    // Removes the session with its subscriptions and messages.
    virtual void delete_session(std::string client_id) = 0;
    virtual void put_subscription(SubscriptionRecord s) = 0;  // insert or replace
    virtual void delete_subscription(std::string client_id, std::string filter) = 0;
    virtual void put_message(QueuedMessageRecord m) = 0;  // insert or replace (client_id, seq)
    virtual void delete_message(std::string client_id, std::uint64_t seq) = 0;

    // Blocks until every write queued before the call is committed (or, in
    // the SQLite store, given up on; see open_sqlite_broker_state).
    virtual void flush() = 0;

    // Shutdown is under way and must end by `deadline`: from now on a write
    // that fails is retried only until then and dropped after it (counted in
    // dropped_ops), so flush() returns by the deadline whatever the disk
    // does (plus at most one attempt in progress).
    virtual void set_drain_deadline(std::chrono::steady_clock::time_point /*deadline*/) {}

    virtual BrokerStateStats stats() const { return {}; }
};

// A store that keeps nothing (persistence turned off).
std::unique_ptr<BrokerStateStore> make_null_broker_state();

// The embedded SQLite store at `path` (created with its schema when absent).
// A single writer thread applies each drained batch of writes in one
// transaction. When a transaction fails for a reason that may pass (disk
// full, I/O error, lock held by another process), the writer logs, keeps the
// batch and retries it with a backoff, so flush() waits meanwhile; only once
// shutdown has begun (set_drain_deadline: at the deadline; destruction: after
// a few attempts) does it give up, logging what it dropped.
// A write SQLite rejects outright (a payload over its size limit) is logged
// and dropped alone.
Expected<std::unique_ptr<BrokerStateStore>, Error> open_sqlite_broker_state(
    const std::string& path);

struct SqliteBrokerStateOptions {
    // How long a write waits for a lock held by another connection to the
    // file before the batch counts as failed and is retried.
    int busy_timeout_ms = 5000;
};
Expected<std::unique_ptr<BrokerStateStore>, Error> open_sqlite_broker_state(
    const std::string& path, const SqliteBrokerStateOptions& options);

}  // namespace ts::store
