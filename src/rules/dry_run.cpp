#include "rules/dry_run.hpp"

#include <string_view>
#include <utility>
#include <vector>

#include "broker/topic.hpp"
#include "rules/actions/action.hpp"
#include "rules/payload_json.hpp"
#include "rules/rule_definition.hpp"
#include "rules/sql/message_view.hpp"
#include "rules/sql/query.hpp"

namespace ts::rules {

namespace {

using nlohmann::json;

Unexpected<RuleError> invalid(std::string_view field, std::string_view problem) {
    return unexpected(
        RuleError{RuleErrc::InvalidArgument, std::string(field) + ": " + std::string(problem)});
}

bool has_wildcard(std::string_view filter) {
    return filter.find_first_of("+#") != std::string_view::npos;
}

// The member of each action type that says where rows go. Topic, URL and
// subject are templates; a table name is fixed.
struct Destination {
    const char* field;
    bool is_template;
};
std::optional<Destination> destination_of(std::string_view type) {
    if (type == "republish") return Destination{"topic", true};
    if (type == "webhook") return Destination{"url", true};
    if (type == "nats") return Destination{"subject", true};
    if (type == "database") return Destination{"table", false};
    return std::nullopt;
}

// One action's entry: whether the row reaches it and where it would go.
json action_outcome(const ActionSpec& spec, const std::optional<json>& row, const MessageView& m) {
    json out = {{"type", spec.type}, {"fires", row.has_value()}};
    auto dest = destination_of(spec.type);
    if (!dest) return out;
    const json& given = spec.config.contains(dest->field) ? spec.config[dest->field] : json();
    if (!given.is_string()) return out;
    const std::string text = given.get<std::string>();
    // Without a row there is nothing to fill the holes with: the text as
    // configured.
    if (!row || !dest->is_template) {
        out[dest->field] = text;
        return out;
    }
    auto compiled = Template::compile(text);  // parse_action accepted it already
    if (!compiled) {
        out["error"] = std::string(dest->field) + ": " + compiled.error().to_string();
        return out;
    }
    auto rendered = compiled->render(*row, m);
    if (rendered)
        out[dest->field] = std::move(*rendered);
    else
        out["error"] = std::string(dest->field) + ": " + rendered.error();
    return out;
}

}  // namespace

Expected<DryRunInput, RuleError> read_dry_run(const json& body) {
    DryRunInput in;
    auto text = [&](const char* field, std::string& target) -> Expected<void, RuleError> {
        auto it = body.find(field);
        if (it == body.end() || it->is_null()) return {};
        if (!it->is_string()) return invalid(field, "must be a string");
        target = it->get<std::string>();
        return {};
    };
    for (auto [field, target] :
         {std::pair{"sql", &in.sql}, std::pair{"deviceName", &in.device_name},
          std::pair{"productKey", &in.product_key}, std::pair{"clientIp", &in.client_ip}})
        if (auto ok = text(field, *target); !ok) return unexpected(ok.error());
    if (in.sql.empty()) return invalid("sql", "required");
    if (auto it = body.find("topic"); it != body.end() && !it->is_null()) {
        if (!it->is_string()) return invalid("topic", "must be a string");
        in.topic = it->get<std::string>();
        if (in.topic->empty() || has_wildcard(*in.topic))
            return invalid("topic", "must be a topic name (no + or # wildcards)");
    }
    auto payload = body.find("payload");
    if (payload == body.end()) return invalid("payload", "required");
    // error_handler_t::replace: a string of invalid UTF-8 cannot come out
    // of the JSON parser, but a dump must never throw regardless.
    in.payload = payload->is_string()
                     ? payload->get<std::string>()
                     : payload->dump(-1, ' ', false, json::error_handler_t::replace);
    if (auto it = body.find("actions"); it != body.end() && !it->is_null()) {
        if (!it->is_array()) return invalid("actions", "must be an array of action objects");
        if (it->size() > kMaxRuleActions)
            return invalid("actions",
                           "at most " + std::to_string(kMaxRuleActions) + " actions per rule");
        in.actions = *it;
    }
    return in;
}

Expected<json, RuleError> dry_run(const DryRunInput& in, std::int64_t now_ms) {
    auto query = compile_sql(in.sql);
    if (!query) return unexpected(query.error());
    auto actions = check_actions(in.actions);
    if (!actions) return unexpected(actions.error());
    const std::string& source = query->source();
    if (!in.topic && has_wildcard(source))
        return invalid("topic", "required: the FROM filter \"" + source + "\" has wildcards");
    const std::string topic = in.topic.value_or(source);

    const json parsed = parse_payload(in.payload);
    MessageView m;
    m.topic = topic;
    m.payload = in.payload;
    m.json = parsed.is_discarded() ? nullptr : &parsed;
    m.product_key = in.product_key;
    m.device_name = in.device_name;
    m.client_ip = in.client_ip;
    m.message_id = "0";
    m.timestamp_ms = now_ms;

    json out = {{"matched", broker::topic_matches(source, topic)}, {"rows", json::array()}};
    std::optional<json> row;
    if (out["matched"].get<bool>()) {
        auto result = query->evaluate(m);
        if (!result)
            out["error"] = result.error();
        else if (*result)
            row = std::move(**result);
    }
    if (row) out["rows"].push_back(*row);
    out["actions"] = json::array();
    for (const ActionSpec& spec : *actions) out["actions"].push_back(action_outcome(spec, row, m));
    return out;
}

}  // namespace ts::rules
