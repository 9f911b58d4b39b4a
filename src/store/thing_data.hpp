#pragma once
// What the thing model layer keeps: thing model documents, latest property
// values, property and event history, downlink (service call) records,
// device shadows, desired property values and remote config files.
//
// Writes from the data plane (property/event posts, call records, shadows,
// desired values) are queued and applied in batched transactions on the
// store's own thread; `done` callbacks run on that thread after the batch's
// commit (ok = false when it failed), so a device's reply can mean "stored".
// A post or event refused because the backlog is at its bound gets
// done(false) at once, on the caller's thread.
// Reads and management writes (thing models, config) are synchronous and run
// on the caller's thread (API threads), never on an event loop.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/expected.hpp"

namespace ts::store {

using WriteDone = std::function<void(bool ok)>;

struct PropertyValue {
    std::string identifier{};
    std::string value_json{};  // the value as JSON text
    std::int64_t time_ms = 0;  // the device's time when given, else the platform's
};

struct EventRecord {
    std::string product_key{};
    std::string device_name{};
    std::string identifier{};
    std::string type{};        // "info" | "alert" | "error"
    std::string value_json{};  // the event's output parameters (a JSON object)
    std::int64_t time_ms = 0;
};

// A downlink to a device (property set, service call) and its answer.
struct CallRecord {
    std::string id{};  // the Alink message id sent to the device
    std::string product_key{};
    std::string device_name{};
    std::string identifier{};   // service identifier; "set" for property set
    std::string params_json{};  // what was sent
    std::int64_t request_time = 0;
    std::string status{};  // "sent" | "replied" | "timeout" | "offline"
    std::optional<int> reply_code{};
    std::string reply_data_json{};  // empty: no reply yet
    std::string reply_message{};
    std::int64_t reply_time = 0;
};

struct ShadowRecord {
    std::string product_key{};
    std::string device_name{};
    std::string document_json{};  // {"state":{...},"metadata":{...}}
    std::int64_t version = 0;
    std::int64_t updated_time = 0;
};

struct DesiredValue {
    std::string product_key{};
    std::string device_name{};
    std::string identifier{};
    std::string value_json{};
    std::int64_t version = 0;
    std::int64_t time_ms = 0;
};

struct ConfigFile {
    std::string product_key{};
    std::string config_id{};  // unguessable; also names the download
    std::string content{};
    std::string sha256_hex{};
    std::int64_t updated_time = 0;
};

struct HistoryQuery {
    std::int64_t from = 0;        // inclusive
    std::int64_t to = INT64_MAX;  // inclusive
    std::size_t limit = 100;
    std::string page_token{};  // from a previous page; empty: first page
};

template <typename T>
struct HistoryPage {
    std::vector<T> items{};         // newest first
    std::string next_page_token{};  // empty on the last page
};

struct AggregateBucket {
    std::int64_t start = 0;  // the interval's first ms
    double min = 0;
    double max = 0;
    double avg = 0;
    std::int64_t count = 0;
};

class ThingDataStore {
public:
    virtual ~ThingDataStore() = default;

    // --- data plane: queued, batched, never blocks the caller ---
    // Appends to the history and replaces each latest value whose time is not
    // older than the stored one.
    virtual void put_properties(const std::string& pk, const std::string& dn,
                                std::vector<PropertyValue> values, WriteDone done) = 0;
    virtual void put_event(EventRecord event, WriteDone done) = 0;
    // Inserts or replaces by id.
    virtual void put_call(CallRecord call) = 0;
    virtual void put_shadow(ShadowRecord shadow) = 0;
    virtual void delete_shadow(const std::string& pk, const std::string& dn) = 0;
    virtual void put_desired(DesiredValue value) = 0;
    virtual void delete_desired(const std::string& pk, const std::string& dn,
                                const std::string& identifier) = 0;
    // Waits until everything queued before the call is committed (or
    // given up on: see unsaved()).
    virtual void flush() = 0;
    // Shutdown is under way and must end by `deadline`: a batch that fails
    // from now on is not retried past it, so flush() returns by then.
    virtual void set_drain_deadline(std::chrono::steady_clock::time_point /*deadline*/) {}
    // Writes given up on since the store was opened (the disk was full or
    // failing through every retry), for the shutdown summary.
    struct Unsaved {
        std::uint64_t property_values = 0;
        std::uint64_t other_writes = 0;  // events, calls, shadows, desired values
    };
    virtual Unsaved unsaved() const { return {}; }
    // Whether the last commit of queued writes failed (for /readyz); cheap.
    virtual bool last_write_failed() const { return false; }

    // --- reads and management writes: synchronous ---
    virtual Expected<std::vector<PropertyValue>, Error> latest_properties(
        const std::string& pk, const std::string& dn) = 0;
    virtual Expected<HistoryPage<PropertyValue>, Error> property_history(
        const std::string& pk, const std::string& dn, const std::string& identifier,
        const HistoryQuery& q) = 0;
    // Numeric values only (others are not counted), buckets of `interval_ms`
    // aligned to multiples of it, oldest first, empty buckets omitted.
    virtual Expected<std::vector<AggregateBucket>, Error> property_aggregate(
        const std::string& pk, const std::string& dn, const std::string& identifier,
        std::int64_t from, std::int64_t to, std::int64_t interval_ms) = 0;
    // identifier empty: every event.
    virtual Expected<HistoryPage<EventRecord>, Error> events(const std::string& pk,
                                                             const std::string& dn,
                                                             const std::string& identifier,
                                                             const HistoryQuery& q) = 0;
    virtual Expected<HistoryPage<CallRecord>, Error> calls(const std::string& pk,
                                                           const std::string& dn,
                                                           const HistoryQuery& q) = 0;

    // Thing model documents (JSON text), one per product.
    virtual Expected<void, Error> put_thing_model(const std::string& pk,
                                                  const std::string& document_json) = 0;
    virtual Expected<void, Error> delete_thing_model(const std::string& pk) = 0;
    // product key -> document
    virtual Expected<std::vector<std::pair<std::string, std::string>>, Error>
    load_thing_models() = 0;

    // Loaded once at start into the thing layer's memory.
    virtual Expected<std::vector<ShadowRecord>, Error> load_shadows() = 0;
    virtual Expected<std::vector<DesiredValue>, Error> load_desired() = 0;

    // Remote config (one file per product).
    virtual Expected<void, Error> put_config(const ConfigFile& file) = 0;
    virtual Expected<std::optional<ConfigFile>, Error> get_config(const std::string& pk) = 0;

    // Everything kept for a device (it was deleted).
    virtual void delete_device_data(const std::string& pk, const std::string& dn) = 0;
};

// Opens (creating when absent) the thing data in the SQLite database at
// `path` (the platform's one database file; its own tables and migrations).
Expected<std::unique_ptr<ThingDataStore>, Error> open_sqlite_thing_data(const std::string& path);

}  // namespace ts::store
