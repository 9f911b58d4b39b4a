#include "rules/running_rule.hpp"

#include <chrono>

#include "core/log.hpp"
#include "rules/payload_json.hpp"

namespace ts::rules {

namespace {

// Cached: log::get takes the registry's locks, and on_message runs on the
// broker's routing threads.
const std::shared_ptr<spdlog::logger>& rules_log() {
    static const auto logger = log::get("rules");
    return logger;
}

std::int64_t wall_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// Unique per evaluated message within this process and across restarts in
// practice: the start time in ms followed by a counter.
std::string next_message_id() {
    static const std::uint64_t base = static_cast<std::uint64_t>(wall_ms()) * 1'000'000;
    static std::atomic<std::uint64_t> counter{0};
    return std::to_string(base + counter.fetch_add(1, std::memory_order_relaxed));
}

// Platform messages (forwarded property posts, status changes) have no
// publishing device; the device they are about is named in the payload.
std::string_view string_field(const nlohmann::json* j, const char* key) {
    if (!j || !j->is_object()) return {};
    auto it = j->find(key);
    if (it == j->end() || !it->is_string()) return {};
    return it->get_ref<const std::string&>();
}

}  // namespace

RunningRule::RunningRule(std::int64_t id, std::string name, Query query, const Clock& clock)
    : id_(id), name_(std::move(name)), query_(std::move(query)), clock_(clock) {}

RunningRule::~RunningRule() {
    stop();
}

void RunningRule::add_action(ActionSpec spec, std::unique_ptr<Target> target) {
    std::size_t index = actions_.size();
    actions_.push_back(std::make_unique<ActionRunner>(
        std::move(spec), std::move(target),
        [this, index](const ActionItem& item, const std::string& reason) {
            on_action_failure(index, item, reason);
        },
        clock_));
}

void RunningRule::set_error_action(ActionSpec spec, std::unique_ptr<Target> target) {
    error_action_ = std::make_unique<ActionRunner>(
        std::move(spec), std::move(target),
        [this](const ActionItem& item, const std::string& reason) {
            // The last stop: what the error action cannot take is counted and
            // logged (the first and every 1000th, so a flood cannot flood the log).
            if (lost_.fetch_add(1) % 1000 == 0)
                rules_log()->error(
                    "rule={} ({}) error action failed: {}; lost: {}", id_, name_, reason,
                    item.row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        },
        clock_);
}

void RunningRule::on_message(const RuleHost::Routed& m) {
    if (stopped_.load(std::memory_order_relaxed) || m.from_rule) return;
    ++matched_;
    const nlohmann::json parsed = parse_payload(m.payload);
    const nlohmann::json* json = parsed.is_discarded() ? nullptr : &parsed;

    std::string message_id = next_message_id();
    MessageView view;
    view.topic = m.topic;
    view.payload = m.payload;
    view.json = json;
    view.product_key = m.product_key.empty() ? string_field(json, "productKey") : m.product_key;
    view.device_name = m.device_name.empty() ? string_field(json, "deviceName") : m.device_name;
    view.client_ip = m.client_ip.empty() ? string_field(json, "clientIp") : m.client_ip;
    view.message_id = message_id;
    view.timestamp_ms = wall_ms();

    auto result = query_.evaluate(view);
    if (!result) {
        ++failed_;
        if (rules_log()->should_log(spdlog::level::debug))
            rules_log()->debug("rule={} ({}) topic={}: {}", id_, name_, m.topic, result.error());
        return;
    }
    if (!result.value()) return;
    ++passed_;
    if (actions_.empty()) return;

    ActionItem item;
    item.topic = std::string(m.topic);
    item.payload = std::string(m.payload);
    item.product_key = std::string(view.product_key);
    item.device_name = std::string(view.device_name);
    item.client_ip = std::string(view.client_ip);
    item.message_id = std::move(message_id);
    item.timestamp_ms = view.timestamp_ms;
    item.enqueued_ms = steady_ms();
    for (std::size_t i = 0; i + 1 < actions_.size(); ++i) {
        ActionItem copy = item;
        copy.row = *result.value();
        actions_[i]->offer(std::move(copy));
    }
    item.row = std::move(*result.value());
    actions_.back()->offer(std::move(item));
}

// What an action could not deliver goes to the error action with the reason:
// {"ruleId","ruleName","action":{"index","type"},"reason","attempts",
//  "topic","productKey","deviceName","messageId","time","row","payload"}.
void RunningRule::on_action_failure(std::size_t index, const ActionItem& item,
                                    const std::string& reason) {
    if (!error_action_) {
        if (lost_.fetch_add(1) % 1000 == 0)
            rules_log()->warn(
                "rule={} ({}) action {} ({}) gave up on a row: {} (no error action; counted as "
                "lost)",
                id_, name_, index, actions_[index]->spec().type, reason);
        return;
    }
    ActionItem e;
    e.row = nlohmann::json{{"ruleId", id_},
                           {"ruleName", name_},
                           {"action", {{"index", index}, {"type", actions_[index]->spec().type}}},
                           {"reason", reason},
                           {"attempts", item.attempts},
                           {"topic", item.topic},
                           {"productKey", item.product_key},
                           {"deviceName", item.device_name},
                           {"messageId", item.message_id},
                           {"time", item.timestamp_ms},
                           {"row", item.row},
                           {"payload", item.payload}};
    e.topic = item.topic;
    e.payload = item.payload;
    e.product_key = item.product_key;
    e.device_name = item.device_name;
    e.client_ip = item.client_ip;
    e.message_id = item.message_id;
    e.timestamp_ms = item.timestamp_ms;
    e.enqueued_ms = steady_ms();
    error_action_->offer(std::move(e));
}

void RunningRule::begin_stop() {
    stopped_.store(true);
    for (auto& a : actions_) a->request_stop();
}

// The actions drain side by side (each up to its drain time), then the error
// action takes what they handed over and drains in turn.
void RunningRule::stop() {
    if (stop_done_.exchange(true)) return;
    begin_stop();
    for (auto& a : actions_) a->stop();
    if (error_action_) error_action_->stop();
}

nlohmann::json RunningRule::stats_json() const {
    nlohmann::json actions = nlohmann::json::array();
    for (const auto& a : actions_) actions.push_back(a->stats_json());
    return {{"matched", matched_.load()},
            {"passed", passed_.load()},
            {"failed", failed_.load()},
            {"lost", lost_.load()},
            {"actions", std::move(actions)},
            {"errorAction", error_action_ ? error_action_->stats_json() : nlohmann::json()}};
}

}  // namespace ts::rules
