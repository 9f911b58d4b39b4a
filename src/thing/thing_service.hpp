#pragma once
// The Alink device services: answers what devices publish on their system
// topics (property and event posts, call replies, shadow, desired values,
// tags, remote config, NTP, thing model requests) and carries out what the
// management API asks of devices (property set, service calls, shadow and
// desired updates, config push).
//
// Device messages arrive on event-loop threads (MessageTap) and never wait
// for the disk: values are validated against the product's compiled thing
// model, handed to the store's batched writer, and the device's reply is
// sent when the batch has committed ("code 200" means stored). The few
// requests that need a blocking registry or store call (tags, config) run on
// a small pool of their own. Management calls run on API threads.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <nlohmann/json.hpp>

#include "broker/authenticator.hpp"
#include "core/clock.hpp"
#include "registry/registry.hpp"
#include "store/thing_data.hpp"
#include "thing/alink.hpp"
#include "thing/device_link.hpp"
#include "thing/download_url.hpp"
#include "thing/log_once.hpp"
#include "thing/model_cache.hpp"
#include "thing/thing_errors.hpp"
#include "thing/uplink_topic.hpp"

namespace ts::thing {

struct ThingOptions {
    // Where devices download remote config files: [http] public_url, or
    // derived from the address each device's connection reached.
    DownloadUrlSettings downloads;
    int default_call_timeout_ms = 5000;  // sync service calls (RRPC)
    int max_call_timeout_ms = 8000;      // devices must answer within 8 s
    std::size_t max_pending_calls = 100000;
};

struct CallOutcome {
    std::string message_id;
    bool sync = false;
    // sync calls: the device's answer
    int code = 0;
    nlohmann::json data;
    std::string message;
};

struct ConfigInfo {
    std::string config_id;
    std::size_t size = 0;
    std::string sha256_hex;
    std::string url;
    std::int64_t updated_time = 0;
};

class ThingService final : public broker::MessageTap {
public:
    ThingService(registry::Registry& registry, store::ThingDataStore& store, DeviceLink& link,
                 const Clock& clock, ThingOptions options = {});
    ~ThingService() override;
    ThingService(const ThingService&) = delete;
    ThingService& operator=(const ThingService&) = delete;

    // Loads thing models, shadows and desired values from the store.
    Expected<void, Error> load();

    // --- from devices (event-loop threads) ---
    void on_device_message(const broker::ClientIdentity& who, const std::string& topic,
                           const SharedBuffer& payload) override;

    // --- management (API threads; may block) ---
    ThingResult<ThingModelPtr> set_thing_model(const std::string& pk, std::string_view document);
    ThingResult<nlohmann::json> thing_model_document(const std::string& pk);

    ThingResult<CallOutcome> set_properties(const std::string& pk, const std::string& dn,
                                            const nlohmann::json& params);
    ThingResult<CallOutcome> invoke_service(const std::string& pk, const std::string& dn,
                                            const std::string& service,
                                            const nlohmann::json& params,
                                            std::optional<int> timeout_ms);

    ThingResult<nlohmann::json> shadow(const std::string& pk, const std::string& dn);
    // Sets desired values (a JSON object; "null" deletes one, a JSON null
    // for `desired` clears them) and tells the device. `version`, when
    // given, must be the next version.
    ThingResult<nlohmann::json> update_shadow_desired(const std::string& pk, const std::string& dn,
                                                      const nlohmann::json& desired,
                                                      std::optional<std::int64_t> version);

    ThingResult<nlohmann::json> desired_properties(const std::string& pk, const std::string& dn);
    ThingResult<nlohmann::json> set_desired_properties(const std::string& pk, const std::string& dn,
                                                       const nlohmann::json& params);

    ThingResult<ConfigInfo> put_config(const std::string& pk, std::string content);
    ThingResult<ConfigInfo> config_info(const std::string& pk);
    // The file for a download URL; ConfigNotFound unless `config_id` is the
    // product's current one.
    ThingResult<std::string> config_file(const std::string& pk, const std::string& config_id);
    // Sends thing.config.push to every connected device of the product;
    // returns how many were reached.
    ThingResult<std::size_t> push_config(const std::string& pk);
    // The download URL of config file `config_id` for device `dn` (empty:
    // no device in view), see download_base_url().
    std::string config_url(const std::string& pk, const std::string& dn,
                           const std::string& config_id);

    ThingResult<nlohmann::json> latest_properties(const std::string& pk, const std::string& dn);
    ThingResult<store::HistoryPage<store::PropertyValue>> property_history(
        const std::string& pk, const std::string& dn, const std::string& identifier,
        const store::HistoryQuery& q);
    ThingResult<std::vector<store::AggregateBucket>> property_aggregate(
        const std::string& pk, const std::string& dn, const std::string& identifier,
        std::int64_t from, std::int64_t to, std::int64_t interval_ms);
    ThingResult<store::HistoryPage<store::EventRecord>> events(const std::string& pk,
                                                               const std::string& dn,
                                                               const std::string& identifier,
                                                               const store::HistoryQuery& q);
    ThingResult<store::HistoryPage<store::CallRecord>> calls(const std::string& pk,
                                                             const std::string& dn,
                                                             const store::HistoryQuery& q);

    // A device was deleted: forget what is kept for it.
    void forget_device(const std::string& pk, const std::string& dn);

    // Counters for /metrics.
    struct Counters {
        std::atomic<std::uint64_t> property_posts{0};
        std::atomic<std::uint64_t> property_values_stored{0};
        std::atomic<std::uint64_t> validation_failures{0};
        std::atomic<std::uint64_t> events_stored{0};
        std::atomic<std::uint64_t> downlinks_sent{0};
        std::atomic<std::uint64_t> replies_received{0};
    };
    const Counters& counters() const { return counters_; }

    // Shadow and desired state (shadow_state.cpp, desired_state.cpp).
    struct ShadowState {
        nlohmann::json reported = nlohmann::json::object();
        nlohmann::json desired = nlohmann::json::object();
        nlohmann::json reported_meta = nlohmann::json::object();  // key -> {"timestamp": s}
        nlohmann::json desired_meta = nlohmann::json::object();
        std::int64_t version = 0;
    };
    struct DesiredEntry {
        nlohmann::json value;
        std::int64_t version = 0;
        std::int64_t time_ms = 0;
    };

private:
    // A parsed request, owning its strings: replies may be sent later, from
    // the store's thread, after the broker's message is gone.
    struct Uplinked {
        Uplink kind = Uplink::None;
        std::string id;  // event or service identifier from the topic
        AlinkRequest request;
        std::string pk;
        std::string dn;
        Millis received_wall = 0;
    };

    // property_post.cpp
    void on_property_post(Uplinked& u);
    void on_batch_post(Uplinked& u);
    void on_history_post(Uplinked& u);
    // event_post.cpp
    void on_event_post(Uplinked& u);
    // validation_failures.cpp
    void forward_validation_failure(const Uplinked& u, std::string_view method,
                                    nlohmann::json failed_items, bool stored);
    // downlink_calls.cpp
    void on_call_reply(Uplinked& u, const std::string& identifier);
    void on_rrpc_response(const std::string& pk, const std::string& dn, std::string_view msg_id,
                          std::string_view payload);
    // device_requests.cpp
    void on_desired_get(Uplinked& u);
    void on_desired_delete(Uplinked& u);
    void on_tags(Uplinked& u, bool remove);
    void on_config_get(Uplinked& u);
    void on_tsl_get(Uplinked& u);
    void on_ntp(const std::string& pk, const std::string& dn, std::string_view payload,
                Millis received_wall);
    void on_up_raw(const std::string& pk, const std::string& dn, std::string_view payload);
    // shadow_state.cpp
    void on_shadow_update(const std::string& pk, const std::string& dn, std::string_view payload);
    // firmware_reports.cpp
    void on_ota_inform(const std::string& pk, const std::string& dn, std::string_view payload);
    void on_ota_request(const std::string& pk, const std::string& dn, const std::string& topic,
                        std::string_view payload);
    void on_firmware_get(Uplinked& u);
    // unsupported_requests.cpp: `path` is the method's topic path (UplinkTopic::id)
    void on_unsupported(const std::string& pk, const std::string& dn, const std::string& topic,
                        std::string_view path, std::string_view payload);
    void on_unhandled(const std::string& pk, const std::string& dn, std::string_view path);

    // Sends the reply to `u`'s request on its topic + "_reply" unless the
    // device asked for none.
    void reply(const Uplinked& u, int code, const nlohmann::json& data, std::string_view message,
               std::string_view method);
    ThingModelPtr model_of(const std::string& pk) const { return models_.get(pk); }
    registry::ValidationMode validation_mode(const std::string& pk) const;
    ThingResult<void> check_device(const std::string& pk, const std::string& dn);
    std::string next_message_id();
    // Sends a downlink request and records it as a call.
    ThingResult<CallOutcome> send_call(const std::string& pk, const std::string& dn,
                                       const std::string& identifier, const std::string& topic,
                                       const std::string& method, const nlohmann::json& params);
    void persist_shadow(const std::string& key, const ShadowState& s);
    static std::string device_key(std::string_view pk, std::string_view dn);

    registry::Registry& registry_;
    store::ThingDataStore& store_;
    DeviceLink& link_;
    const Clock& clock_;
    ThingOptions options_;
    ModelCache models_;
    Counters counters_;
    boost::asio::thread_pool blocking_{2};
    // Firmware reports are stored in the order they came (a device's later
    // report must not be overwritten by an earlier one).
    boost::asio::strand<boost::asio::thread_pool::executor_type> firmware_writes_{
        blocking_.get_executor()};

    std::atomic<std::uint64_t> next_id_;

    std::mutex calls_mutex_;
    std::unordered_map<std::string, store::CallRecord> pending_calls_;  // by message id
    struct RrpcWaiter {
        std::mutex mutex;
        std::condition_variable cv;
        bool done = false;
        std::string payload;
    };
    std::unordered_map<std::string, std::shared_ptr<RrpcWaiter>> rrpc_waiters_;  // by message id

    std::mutex shadows_mutex_;
    std::unordered_map<std::string, ShadowState> shadows_;  // by device key

    // Unsupported requests and unhandled topics already logged, by device
    // and method.
    LogOnce logged_once_;

    std::mutex desired_mutex_;
    std::unordered_map<std::string, std::map<std::string, DesiredEntry>> desired_;
};

}  // namespace ts::thing
