#pragma once
// The running rules: each enabled rule compiled once, registered with the
// broker's subscription index under its FROM filter, evaluated on the thread
// that routed the message, its rows handed to the rule's action runners.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"
#include "rules/actions/action.hpp"
#include "store/rule_store.hpp"

namespace ts::rules {

// How the engine reaches the broker (app/ plugs the Broker in).
class RuleHost {
public:
    virtual ~RuleHost() = default;
    // Calls `on_message` for every message routed on a topic matching
    // `filter` (from any thread), until the returned handle is destroyed.
    class Subscription {
    public:
        virtual ~Subscription() = default;
    };
    struct Routed {
        std::string_view topic;
        std::string_view payload;
        std::string_view product_key;  // publishing device, empty otherwise
        std::string_view device_name;
        std::string_view client_ip;
        bool from_rule = false;  // republished by a rule: not fed to rules again
    };
    virtual std::unique_ptr<Subscription> subscribe(
        const std::string& filter, std::function<void(const Routed&)> on_message) = 0;
};

class RuleEngine {
public:
    RuleEngine(RuleHost& host, TargetEnv env);
    ~RuleEngine();

    // Starts (or restarts with the new definition) rule `r.id` when enabled;
    // stops it when not. The error names what is wrong with the definition.
    Expected<void, std::string> install(const store::RuleRecord& r);
    void uninstall(std::int64_t id);
    void stop_all();

    // {"matched","passed","failed","actions":[ActionRunner::stats_json()...],
    //  "errorAction":{...}|null}; null when the rule is not running.
    nlohmann::json stats(std::int64_t id) const;
    // Totals over the running rules, for dashboards: {"running","matched",
    // "failed","lost","actionsFailed","actionsDropped","withFailures":[{"id",
    // "name","failed","lost","actionsFailed","actionsDropped"}]}.
    nlohmann::json summary() const;
    // Per rule and per action counters, Prometheus text format.
    std::string prometheus_text() const;

private:
    void uninstall_locked(std::int64_t id);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ts::rules
