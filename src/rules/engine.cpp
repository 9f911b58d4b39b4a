#include "rules/engine.hpp"

#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "rules/running_rule.hpp"

namespace ts::rules {

struct RuleEngine::Impl {
    Impl(RuleHost& h, TargetEnv e) : host(h), env(std::move(e)) {}
    RuleHost& host;
    TargetEnv env;
    mutable std::mutex mutex;  // guards rules (API threads); never taken per message
    std::mutex install_mutex;  // one install/uninstall at a time: no lost replacement
    std::map<std::int64_t, std::shared_ptr<RunningRule>> rules;
};

RuleEngine::RuleEngine(RuleHost& host, TargetEnv env)
    : impl_(std::make_unique<Impl>(host, std::move(env))) {}

RuleEngine::~RuleEngine() {
    stop_all();
}

namespace {

const Clock& clock_of(const TargetEnv& env) {
    static const SystemClock system;
    return env.clock != nullptr ? *env.clock : system;
}

Expected<std::shared_ptr<RunningRule>, std::string> build(const store::RuleRecord& r,
                                                          const TargetEnv& env) {
    auto query = Query::compile(r.sql);
    if (!query) return unexpected("sql: " + query.error().to_string());
    auto rule =
        std::make_shared<RunningRule>(r.id, r.name, std::move(query.value()), clock_of(env));

    auto actions = nlohmann::json::parse(r.actions_json, nullptr, false);
    if (!actions.is_array()) return unexpected(std::string("actions: not a JSON array"));
    for (std::size_t i = 0; i < actions.size(); ++i) {
        auto spec = parse_action(actions[i], "actions[" + std::to_string(i) + "]");
        if (!spec) return unexpected(spec.error());
        auto target = make_target(spec.value(), env);
        if (!target) return unexpected(target.error());
        rule->add_action(std::move(spec.value()), std::move(target.value()));
    }
    if (!r.error_action_json.empty()) {
        auto j = nlohmann::json::parse(r.error_action_json, nullptr, false);
        if (!j.is_null()) {
            auto spec = parse_action(j, "errorAction");
            if (!spec) return unexpected(spec.error());
            auto target = make_target(spec.value(), env);
            if (!target) return unexpected(target.error());
            rule->set_error_action(std::move(spec.value()), std::move(target.value()));
        }
    }
    return rule;
}

}  // namespace

Expected<void, std::string> RuleEngine::install(const store::RuleRecord& r) {
    std::lock_guard serial(impl_->install_mutex);
    std::shared_ptr<RunningRule> next;
    if (r.enabled) {
        auto built = build(r, impl_->env);
        if (!built) return unexpected(built.error());
        next = std::move(built.value());
    }
    uninstall_locked(r.id);
    if (!next) return {};
    // The sink holds the rule: a routing thread inside on_message keeps it
    // alive after uninstall has dropped the engine's reference. The cycle
    // (rule -> subscription -> sink -> rule) is cut by uninstall.
    next->subscription = impl_->host.subscribe(
        next->query().source(), [rule = next](const RuleHost::Routed& m) { rule->on_message(m); });
    std::lock_guard lock(impl_->mutex);
    impl_->rules[r.id] = std::move(next);
    log::get("rules")->info("rule={} ({}) running on {}", r.id, r.name,
                            impl_->rules[r.id]->query().source());
    return {};
}

void RuleEngine::uninstall(std::int64_t id) {
    std::lock_guard serial(impl_->install_mutex);
    uninstall_locked(id);
}

void RuleEngine::uninstall_locked(std::int64_t id) {
    std::shared_ptr<RunningRule> old;
    {
        std::lock_guard lock(impl_->mutex);
        auto it = impl_->rules.find(id);
        if (it == impl_->rules.end()) return;
        old = std::move(it->second);
        impl_->rules.erase(it);
    }
    // Off the index first (no new calls), then drain the actions.
    old->subscription.reset();
    old->stop();
}

// Every rule leaves the index and starts draining before any is waited on,
// so shutdown takes one drain time, not one per rule.
void RuleEngine::stop_all() {
    std::lock_guard serial(impl_->install_mutex);
    std::map<std::int64_t, std::shared_ptr<RunningRule>> rules;
    {
        std::lock_guard lock(impl_->mutex);
        rules.swap(impl_->rules);
    }
    for (auto& [_, rule] : rules) {
        rule->subscription.reset();
        rule->begin_stop();
    }
    for (auto& [_, rule] : rules) rule->stop();
}

nlohmann::json RuleEngine::stats(std::int64_t id) const {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->rules.find(id);
    if (it == impl_->rules.end()) return nullptr;
    return it->second->stats_json();
}

nlohmann::json RuleEngine::summary() const {
    std::vector<std::pair<std::int64_t, std::shared_ptr<RunningRule>>> running;
    {
        std::lock_guard lock(impl_->mutex);
        running.assign(impl_->rules.begin(), impl_->rules.end());
    }
    std::uint64_t matched = 0, failed = 0, lost = 0, actions_failed = 0, actions_dropped = 0;
    nlohmann::json with_failures = nlohmann::json::array();
    for (const auto& [id, rule] : running) {
        nlohmann::json s = rule->stats_json();
        std::uint64_t rule_failed = s.value("failed", std::uint64_t{0});
        std::uint64_t rule_lost = s.value("lost", std::uint64_t{0});
        std::uint64_t a_failed = 0, a_dropped = 0;
        for (const auto& a : s["actions"]) {
            a_failed += a.value("failed", std::uint64_t{0});
            a_dropped += a.value("dropped", std::uint64_t{0});
        }
        matched += s.value("matched", std::uint64_t{0});
        failed += rule_failed;
        lost += rule_lost;
        actions_failed += a_failed;
        actions_dropped += a_dropped;
        if (rule_failed + rule_lost + a_failed + a_dropped > 0)
            with_failures.push_back({{"id", id},
                                     {"name", rule->name()},
                                     {"failed", rule_failed},
                                     {"lost", rule_lost},
                                     {"actionsFailed", a_failed},
                                     {"actionsDropped", a_dropped}});
    }
    return {{"running", running.size()},
            {"matched", matched},
            {"failed", failed},
            {"lost", lost},
            {"actionsFailed", actions_failed},
            {"actionsDropped", actions_dropped},
            {"withFailures", std::move(with_failures)}};
}

std::string RuleEngine::prometheus_text() const {
    std::string out =
        "# HELP thingstead_rule_messages_total Messages per rule: matched its FROM, passed its "
        "WHERE, failed evaluation, lost (an action gave up and no error action took it).\n"
        "# TYPE thingstead_rule_messages_total counter\n"
        "# HELP thingstead_rule_action_rows_total Rows per rule action: passed (delivered), "
        "failed (gave up after retries), dropped (queue full).\n"
        "# TYPE thingstead_rule_action_rows_total counter\n"
        "# TYPE thingstead_rule_action_retries_total counter\n"
        "# TYPE thingstead_rule_action_queued gauge\n"
        "# TYPE thingstead_rule_action_latency_avg_ms gauge\n"
        "# TYPE thingstead_rule_action_latency_max_ms gauge\n";
    std::lock_guard lock(impl_->mutex);
    for (const auto& [_, rule] : impl_->rules) rule->append_prometheus(out);
    return out;
}

}  // namespace ts::rules
