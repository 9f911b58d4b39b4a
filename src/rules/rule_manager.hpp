#pragma once
// The rules as a managed resource: what the REST API calls. Every change is
// checked (rule_definition.hpp), stored, and applied to the running engine,
// so that the store and the engine agree when a call returns; a change the
// engine refuses (a target it cannot build) is undone in the store.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"
#include "rules/engine.hpp"
#include "rules/rule_error.hpp"
#include "store/rule_store.hpp"

namespace ts::rules {

inline constexpr std::size_t kDefaultRulePageSize = 50;
inline constexpr std::size_t kMaxRulePageSize = 1000;

struct RulePage {
    nlohmann::json items = nlohmann::json::array();  // rule_json() of each
    std::string next_page_token;                     // empty on the last page
};

struct LoadSummary {
    std::size_t running = 0;   // installed and enabled
    std::size_t disabled = 0;  // stored disabled, so not started
    std::size_t failed = 0;    // enabled but refused (logged), left stopped
};

class RuleManager {
public:
    // Both must outlive the manager.
    RuleManager(store::RuleStore& store, RuleEngine& engine);

    // Starts every stored enabled rule. A rule that no longer checks out
    // (a stricter build, a target that cannot be built) is logged and left
    // stopped; only a store that cannot be read is an error.
    Expected<LoadSummary, RuleError> load_all();

    // `body`: name (required), description, sql (required), actions,
    // errorAction, enabled (default true). Returns the rule as rule_json()
    // shows it.
    Expected<nlohmann::json, RuleError> create(const nlohmann::json& body);
    // In id order. page_size 0: the default; above the maximum: the maximum.
    Expected<RulePage, RuleError> list(std::size_t page_size, const std::string& page_token);
    Expected<nlohmann::json, RuleError> get(std::int64_t id);
    // Any subset of create's fields; the result is checked as a whole.
    Expected<nlohmann::json, RuleError> patch(std::int64_t id, const nlohmann::json& body);
    Expected<void, RuleError> remove(std::int64_t id);
    Expected<nlohmann::json, RuleError> set_enabled(std::int64_t id, bool enabled);

private:
    Expected<store::RuleRecord, RuleError> load(std::int64_t id);
    // Stores `next` over `prev` and (re)starts it; on failure both the
    // store and the engine are back at `prev`.
    Expected<store::RuleRecord, RuleError> replace(const store::RuleRecord& prev,
                                                   const store::RuleRecord& next);
    nlohmann::json view(const store::RuleRecord& r) const;

    store::RuleStore& store_;
    RuleEngine& engine_;
    // Serialises changes, so that two API threads changing one rule cannot
    // leave the store holding one version and the engine running the other.
    std::mutex change_mutex_;
};

// A path's {id}: nullopt when it is not a positive decimal integer (the
// caller answers RuleNotFound, as for any id that names no rule).
std::optional<std::int64_t> parse_rule_id(std::string_view text);

}  // namespace ts::rules
