#pragma once
// A rule as the API writes and reads it: the fields of a create or PATCH
// body, the checks a definition must pass before it is stored or started,
// and the JSON a rule is shown as. No store or engine here (rule_manager.cpp
// does those), so the checks are the same for the API, the dry run and the
// rules loaded at startup.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"
#include "rules/actions/action.hpp"
#include "rules/rule_error.hpp"
#include "rules/sql/query.hpp"
#include "store/rule_store.hpp"

namespace ts::rules {

inline constexpr std::size_t kMaxRuleNameChars = 128;
inline constexpr std::size_t kMaxRuleDescriptionChars = 1024;
inline constexpr std::size_t kMaxRuleActions = 16;

// The members of a rule body; absent ones stay nullopt.
struct RuleFields {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<std::string> sql;
    std::optional<nlohmann::json> actions;       // an array
    std::optional<nlohmann::json> error_action;  // an object, or null: none
    std::optional<bool> enabled;
};

// Type and size checks of each member present. A JSON null reads as absent,
// except for errorAction, where it means "no error action".
Expected<RuleFields, RuleError> read_rule_fields(const nlohmann::json& body);

// Copies the members present into `r`.
void apply_fields(const RuleFields& f, store::RuleRecord& r);

// What a definition compiles to. The engine compiles its own copy when it
// installs the rule; this one proves that it can.
struct CheckedRule {
    Query query;
    std::vector<ActionSpec> actions;
    std::optional<ActionSpec> error_action;
};

// The whole definition: name, SQL, actions and error action.
Expected<CheckedRule, RuleError> check_rule(const store::RuleRecord& r);

// The SQL alone: InvalidRuleSql "sql: line 1, column 8: ..." with the place.
Expected<Query, RuleError> compile_sql(const std::string& sql);

// An array of action objects, each through parse_action(j, "actions[i]").
Expected<std::vector<ActionSpec>, RuleError> check_actions(const nlohmann::json& actions);

// {"id", "name", "description", "sql", "source", "actions", "errorAction",
//  "enabled", "createdTime", "updatedTime", "stats"}; `source` is "" for
// SQL that no longer compiles (stored by an older, laxer build).
nlohmann::json rule_json(const store::RuleRecord& r, nlohmann::json stats);

}  // namespace ts::rules
