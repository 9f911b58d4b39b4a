#pragma once
// One enabled rule at run time: its compiled query, its action runners and
// error action, and its counters. Shared by the engine and the broker sink
// that feeds it, so a message being evaluated on a routing thread keeps it
// alive while the rule is being replaced or removed.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/actions/action.hpp"
#include "rules/engine.hpp"
#include "rules/sql/query.hpp"

namespace ts::rules {

class RunningRule {
public:
    // `clock` (which must outlive the rule) times its actions' retries.
    RunningRule(std::int64_t id, std::string name, Query query, const Clock& clock);
    ~RunningRule();

    // Runs on the routing thread: evaluate, then offer the row to every
    // action (never blocks).
    void on_message(const RuleHost::Routed& m);

    // Wiring, before the rule is subscribed.
    void add_action(ActionSpec spec, std::unique_ptr<Target> target);
    void set_error_action(ActionSpec spec, std::unique_ptr<Target> target);

    // Stops the actions (their leftovers go to the error action), then the
    // error action. Messages arriving afterwards are counted and dropped.
    void stop();
    // Stops taking messages and asks the actions to drain, without waiting:
    // the engine does this for every rule before waiting on any.
    void begin_stop();

    std::int64_t id() const { return id_; }
    const std::string& name() const { return name_; }
    const Query& query() const { return query_; }
    nlohmann::json stats_json() const;
    void append_prometheus(std::string& out) const;

    std::unique_ptr<RuleHost::Subscription> subscription;

private:
    void on_action_failure(std::size_t index, const ActionItem& item, const std::string& reason);

    const std::int64_t id_;
    const std::string name_;
    const Query query_;
    const Clock& clock_;
    std::vector<std::unique_ptr<ActionRunner>> actions_;
    std::unique_ptr<ActionRunner> error_action_;
    std::atomic<bool> stopped_{false};
    std::atomic<bool> stop_done_{false};
    std::atomic<std::uint64_t> matched_{0};  // messages on the FROM filter
    std::atomic<std::uint64_t> passed_{0};   // WHERE held: a row was produced
    std::atomic<std::uint64_t> failed_{0};   // evaluation errors
    std::atomic<std::uint64_t> lost_{0};     // failures with no error action to take them
};

}  // namespace ts::rules
