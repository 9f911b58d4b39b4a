#include "app/cli/rule_requests.hpp"

#include <utility>

#include "app/cli/api_call.hpp"
#include "app/cli/thing_requests.hpp"

namespace ts::app::cli {

namespace {
using nlohmann::json;

constexpr const char* kRules = "/api/v1/rules";

std::string rule_path(const std::string& id) {
    return std::string(kRules) + "/" + url_encode(id);
}
}  // namespace

bool empty(const RuleFlags& f) {
    return !f.name && !f.description && !f.sql && !f.actions && !f.error_action && !f.enabled;
}

json rule_body(const RuleFlags& f) {
    json body = json::object();
    if (f.name) body["name"] = *f.name;
    if (f.description) body["description"] = *f.description;
    if (f.sql) body["sql"] = *f.sql;
    if (f.actions) body["actions"] = *f.actions;
    if (f.error_action) body["errorAction"] = *f.error_action;
    if (f.enabled) body["enabled"] = *f.enabled;
    return body;
}

Expected<json, std::string> parse_action_option(std::string_view text, bool null_ok) {
    auto j = parse_json_object(text, null_ok);
    if (!j) return j;
    // Caught here because it is the commonest slip (an object of the
    // action's fields without its type) and the server's answer would
    // arrive only after a round trip.
    if (j->is_object() && !(j->contains("type") && (*j)["type"].is_string()))
        return unexpected(std::string("needs a \"type\" (republish, webhook, database or nats)"));
    return j;
}

Expected<json, std::string> parse_rule_file(std::string_view text) {
    return parse_json_object(text);
}

ApiRequest rule_create(json body) {
    return {Method::Post, kRules, std::move(body)};
}

ApiRequest rule_list(const Paging& paging) {
    std::optional<std::string> size;
    if (paging.page_size) size = std::to_string(*paging.page_size);
    return {Method::Get,
            kRules + query_string({{"pageSize", size}, {"pageToken", paging.page_token}}),
            {}};
}

ApiRequest rule_get(const std::string& id) {
    return {Method::Get, rule_path(id), {}};
}

ApiRequest rule_update(const std::string& id, json patch) {
    return {Method::Patch, rule_path(id), std::move(patch)};
}

ApiRequest rule_delete(const std::string& id) {
    return {Method::Delete, rule_path(id), {}};
}

ApiRequest rule_action(const std::string& id, std::string_view verb) {
    return {Method::Post, rule_path(id) + ":" + std::string(verb), json::object()};
}

ApiRequest rule_test(const RuleTest& t) {
    json body = {{"sql", t.sql}, {"payload", t.payload}};
    if (t.topic) body["topic"] = *t.topic;
    if (t.device_name) body["deviceName"] = *t.device_name;
    if (t.product_key) body["productKey"] = *t.product_key;
    if (t.client_ip) body["clientIp"] = *t.client_ip;
    if (!t.actions.empty()) body["actions"] = t.actions;
    return {Method::Post, std::string(kRules) + ":test", std::move(body)};
}

}  // namespace ts::app::cli
