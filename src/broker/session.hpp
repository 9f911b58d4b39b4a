#pragma once
// An MQTT session: subscriptions, messages in flight and queued, and the
// connection it is attached to (none while offline). It outlives connections
// when its expiry interval is non-zero.
//
// Any thread may deliver to a session, so its state is guarded by `mutex`;
// the lock is uncontended in the common case (one publisher thread at a time).
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/devector.hpp>
#include <boost/container/flat_map.hpp>

#include "broker/message.hpp"
#include "broker/subscription_index.hpp"
#include "mqtt/packets.hpp"

namespace ts::broker {

class Connection;
class Broker;

// One message on its way to this session's client.
struct Delivery {
    MessagePtr msg;
    mqtt::QoS qos = mqtt::QoS::AtMostOnce;
    bool retain = false;
    std::vector<std::uint32_t> subscription_ids;
    std::shared_ptr<const ShareKey> share;
    std::uint16_t packet_id = 0;
    bool pubrel_pending = false;  // QoS 2: PUBREC received, waiting for PUBCOMP
    bool persisted = false;       // written to the store; delete it when done
    std::uint64_t seq = 0;
    // When packet_id was handed out (Session::ids_consumed), to know without
    // a scan that the next id is free; kUnknownStamp for ids restored from
    // the store.
    static constexpr std::uint64_t kUnknownStamp = ~std::uint64_t{0};
    std::uint64_t id_stamp = kUnknownStamp;
};

// A devector (one block, the elements moved back to its front as the queue
// advances) is 32 bytes and allocates nothing until the first message; every
// session has two (docs/benchmarks.md, idle memory).
using DeliveryQueue = boost::container::devector<Delivery>;

// A PUBACK, PUBREC or PUBCOMP from the session's client (what the broker
// needs of it: not its properties).
struct Ack {
    mqtt::PacketType type = mqtt::PacketType::Puback;
    std::uint16_t packet_id = 0;
    mqtt::ReasonCode reason = mqtt::ReasonCode::Success;
};

// A will is rare and large (its 5.0 properties): held by pointer so that
// sessions and connections without one stay small.
using WillPtr = std::unique_ptr<mqtt::Will>;

struct SessionSubscription {
    mqtt::SubscriptionOptions options;
    std::uint32_t subscription_id = 0;
};

// A session's subscriptions by filter as given: a few per client, kept in
// one sorted array (24 bytes empty, no node per entry).
using SessionSubscriptions =
    boost::container::flat_map<std::string, SessionSubscription, std::less<>>;

class Session {
public:
    explicit Session(std::string id) : client_id(std::move(id)) {}

    const std::string client_id;

    std::mutex mutex;
    // --- guarded by mutex ---
    std::shared_ptr<Connection> conn;
    SessionSubscriptions subscriptions;
    DeliveryQueue inflight;          // in send order
    DeliveryQueue queue;             // waiting for the window or for the client
    Millis disconnected_at = 0;      // monotonic, while offline
    std::uint64_t ids_consumed = 0;  // packet ids taken from next_packet_id, ever
    std::uint64_t next_seq = 1;
    // A will waiting for its delay (counted from disconnected_at) while the
    // client is away.
    WillPtr pending_will;
    // Backpressure: publishers whose reads are paused until this session's
    // queue drains to its low-water mark (see Broker::deliver). A paused
    // connection waits on exactly one session. Allocated by the first pause:
    // sessions are what the broker holds per device, and most never fill up.
    std::unique_ptr<std::vector<std::weak_ptr<Connection>>> paused_publishers;
    // Packet ids of QoS 2 messages received and awaiting PUBREL; allocated
    // by the first QoS 2 PUBLISH (most clients never send one). Guarded like
    // the rest: during a takeover two connections of the session may run.
    std::unique_ptr<std::vector<std::uint16_t>> inbound_qos2;
    std::uint32_t expiry_interval_s = 0;
    std::uint32_t pending_will_delay_s = 0;
    std::uint16_t send_window = 65535;  // min(client's receive maximum, max_inflight)
    std::uint16_t next_packet_id = 1;
    mqtt::ProtocolVersion version = mqtt::ProtocolVersion::v311;
    bool ended = false;
    // --- end guarded ---

    bool online() const { return online_.load(std::memory_order_relaxed); }
    void set_online(bool v) { online_.store(v, std::memory_order_relaxed); }
    bool persistent() const { return expiry_interval_s > 0; }

    // Gives `d` the next packet identifier not in flight. Caller holds mutex.
    void allocate_packet_id(Delivery& d);

private:
    std::atomic<bool> online_{false};  // packed beside the small fields above
};

using SessionPtr = std::shared_ptr<Session>;

}  // namespace ts::broker
