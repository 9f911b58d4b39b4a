#include "rules/rule_definition.hpp"

#include "rules/action_secrets.hpp"

#include <string_view>
#include <utility>

namespace ts::rules {

namespace {

using nlohmann::json;

Unexpected<RuleError> invalid(std::string_view field, std::string_view problem) {
    return unexpected(
        RuleError{RuleErrc::InvalidArgument, std::string(field) + ": " + std::string(problem)});
}

// Characters as people count them: UTF-8 code points (the JSON parser has
// already refused invalid UTF-8).
std::size_t chars(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

// A string member: nullopt (absent or null), the string, or an error.
Expected<std::optional<std::string>, RuleError> string_member(const json& body, const char* name) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return std::optional<std::string>{};
    if (!it->is_string()) return invalid(name, "must be a string");
    return std::optional<std::string>(it->get<std::string>());
}

// Stored text that should be JSON; a stored value that is not (written by
// hand, or by a bug) reads as `fallback` rather than failing the whole list.
json stored_json(const std::string& text, json fallback) {
    if (text.empty()) return fallback;
    auto j = json::parse(text, nullptr, false);
    return j.is_discarded() ? fallback : j;
}

}  // namespace

Expected<RuleFields, RuleError> read_rule_fields(const json& body) {
    RuleFields f;
    for (auto [field, target] :
         {std::pair{"name", &f.name}, std::pair{"description", &f.description},
          std::pair{"sql", &f.sql}}) {
        auto v = string_member(body, field);
        if (!v) return unexpected(v.error());
        *target = std::move(*v);
    }
    if (f.name && (f.name->empty() || chars(*f.name) > kMaxRuleNameChars))
        return invalid("name", "must be 1 to " + std::to_string(kMaxRuleNameChars) + " characters");
    if (f.description && chars(*f.description) > kMaxRuleDescriptionChars)
        return invalid("description", "must be at most " +
                                          std::to_string(kMaxRuleDescriptionChars) + " characters");
    if (f.sql && f.sql->empty()) return invalid("sql", "must not be empty");
    if (auto it = body.find("actions"); it != body.end() && !it->is_null()) {
        if (!it->is_array()) return invalid("actions", "must be an array of action objects");
        if (it->size() > kMaxRuleActions)
            return invalid("actions",
                           "at most " + std::to_string(kMaxRuleActions) + " actions per rule");
        f.actions = *it;
    }
    if (auto it = body.find("errorAction"); it != body.end()) {
        if (!it->is_null() && !it->is_object())
            return invalid("errorAction", "must be an action object or null");
        f.error_action = *it;
    }
    if (auto it = body.find("enabled"); it != body.end() && !it->is_null()) {
        if (!it->is_boolean()) return invalid("enabled", "must be true or false");
        f.enabled = it->get<bool>();
    }
    return f;
}

void apply_fields(const RuleFields& f, store::RuleRecord& r) {
    if (f.name) r.name = *f.name;
    if (f.description) r.description = *f.description;
    if (f.sql) r.sql = *f.sql;
    if (f.actions) r.actions_json = f.actions->dump();
    if (f.error_action)
        r.error_action_json = f.error_action->is_null() ? "" : f.error_action->dump();
    if (f.enabled) r.enabled = *f.enabled;
}

Expected<Query, RuleError> compile_sql(const std::string& sql) {
    auto q = Query::compile(sql);
    if (!q) {
        const SqlError& e = q.error();
        return unexpected(
            RuleError{RuleErrc::InvalidRuleSql, "sql: " + e.to_string(), e.line, e.column});
    }
    return std::move(*q);
}

Expected<std::vector<ActionSpec>, RuleError> check_actions(const json& actions) {
    if (!actions.is_array())
        return unexpected(RuleError{RuleErrc::InvalidRuleAction, "actions: must be an array"});
    std::vector<ActionSpec> specs;
    for (std::size_t i = 0; i < actions.size(); ++i) {
        const std::string where = "actions[" + std::to_string(i) + "]";
        if (!actions[i].is_object())
            return unexpected(
                RuleError{RuleErrc::InvalidRuleAction, where + ": must be an action object"});
        auto spec = parse_action(actions[i], where);
        if (!spec) return unexpected(RuleError{RuleErrc::InvalidRuleAction, spec.error()});
        specs.push_back(std::move(*spec));
    }
    return specs;
}

Expected<CheckedRule, RuleError> check_rule(const store::RuleRecord& r) {
    if (r.name.empty()) return invalid("name", "required");
    if (chars(r.name) > kMaxRuleNameChars)
        return invalid("name", "must be 1 to " + std::to_string(kMaxRuleNameChars) + " characters");
    if (r.sql.empty()) return invalid("sql", "required");
    auto query = compile_sql(r.sql);
    if (!query) return unexpected(query.error());
    // Stored text is parsed again here: at startup it comes from the
    // database, not from a request that was checked a moment ago.
    auto actions_doc = json::parse(r.actions_json, nullptr, false);
    if (actions_doc.is_discarded())
        return unexpected(RuleError{RuleErrc::InvalidRuleAction, "actions: not valid JSON"});
    if (actions_doc.is_array() && actions_doc.size() > kMaxRuleActions)
        return invalid("actions",
                       "at most " + std::to_string(kMaxRuleActions) + " actions per rule");
    auto actions = check_actions(actions_doc);
    if (!actions) return unexpected(actions.error());
    std::optional<ActionSpec> error_action;
    if (!r.error_action_json.empty()) {
        auto doc = json::parse(r.error_action_json, nullptr, false);
        if (doc.is_discarded() || !doc.is_object())
            return unexpected(
                RuleError{RuleErrc::InvalidRuleAction, "errorAction: must be an action object"});
        auto spec = parse_action(doc, "errorAction");
        if (!spec) return unexpected(RuleError{RuleErrc::InvalidRuleAction, spec.error()});
        error_action = std::move(*spec);
    }
    return CheckedRule{std::move(*query), std::move(*actions), std::move(error_action)};
}

json rule_json(const store::RuleRecord& r, json stats) {
    auto query = Query::compile(r.sql);
    return {
        {"id", r.id},
        {"name", r.name},
        {"description", r.description},
        {"sql", r.sql},
        {"source", query ? query->source() : std::string()},
        // Secrets (credentials in headers and connection strings) masked.
        {"actions", mask_secrets(stored_json(r.actions_json, json::array()), "actions")},
        {"errorAction", mask_secrets(stored_json(r.error_action_json, nullptr), "errorAction")},
        {"enabled", r.enabled},
        {"createdTime", r.created_at_ms},
        {"updatedTime", r.updated_at_ms},
        {"stats", std::move(stats)},
    };
}

}  // namespace ts::rules
