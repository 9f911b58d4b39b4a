// /rules: create, list, read, change, delete, :enable, :disable, and
// /rules:test (a dry run of a rule against one message). The checks and the
// store/engine bookkeeping are the RuleManager's (src/rules); this file
// turns HTTP into its calls and its errors into API errors.
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "core/clock.hpp"
#include "rules/dry_run.hpp"
#include "rules/rule_manager.hpp"

namespace ts::api {
namespace {

namespace http = boost::beast::http;
using rules::RuleManager;

Response reply(unsigned status, const Expected<nlohmann::json, rules::RuleError>& r) {
    if (!r) return error_response(from_rules(r.error()));
    return Response::json(status, *r);
}

// The {id} of the path. Anything that is not an id names no rule, so it
// gets the same 404 as an id that does not exist.
Expected<std::int64_t, ApiError> rule_id(const Request& req) {
    const std::string& text = req.param("id");
    auto id = rules::parse_rule_id(text);
    if (!id) return unexpected(ApiError{404, "RuleNotFound", "rule " + text + " does not exist"});
    return *id;
}

Response create_rule(RuleManager& m, const Request& req) {
    auto body =
        json_object_body(req, {"name", "description", "sql", "actions", "errorAction", "enabled"});
    if (!body) return error_response(body.error());
    return reply(201, m.create(*body));
}

Response list_rules(RuleManager& m, const Request& req) {
    if (auto q = check_query(req, {"pageSize", "pageToken"}); !q) return error_response(q.error());
    auto page = page_request(req);
    if (!page) return error_response(page.error());
    auto result = m.list(page->size, page->token);
    if (!result) return error_response(from_rules(result.error()));
    return Response::json(
        200, {{"items", std::move(result->items)}, {"nextPageToken", result->next_page_token}});
}

Response get_rule(RuleManager& m, const Request& req) {
    auto id = rule_id(req);
    if (!id) return error_response(id.error());
    return reply(200, m.get(*id));
}

Response patch_rule(RuleManager& m, const Request& req) {
    // Read-only members of the rule's JSON get a clearer message than
    // "unknown field" when a client sends a GET reply back.
    static constexpr std::string_view kFixed[] = {"id", "source", "createdTime", "updatedTime",
                                                  "stats"};
    auto id = rule_id(req);
    if (!id) return error_response(id.error());
    auto body =
        json_object_body(req, {"name", "description", "sql", "actions", "errorAction", "enabled",
                               "id", "source", "createdTime", "updatedTime", "stats"});
    if (!body) return error_response(body.error());
    for (auto field : kFixed)
        if (body->contains(field))
            return error_response(invalid_argument(field, "cannot be changed"));
    return reply(200, m.patch(*id, *body));
}

Response delete_rule(RuleManager& m, const Request& req) {
    auto id = rule_id(req);
    if (!id) return error_response(id.error());
    auto done = m.remove(*id);
    if (!done) return error_response(from_rules(done.error()));
    return Response::json(200, nlohmann::json::object());
}

Response set_enabled(RuleManager& m, const Request& req, bool enabled) {
    auto id = rule_id(req);
    if (!id) return error_response(id.error());
    if (auto body = json_object_body(req, {}); !body) return error_response(body.error());
    return reply(200, m.set_enabled(*id, enabled));
}

Response test_rule(const Request& req) {
    auto body = json_object_body(
        req, {"sql", "topic", "payload", "deviceName", "productKey", "clientIp", "actions"});
    if (!body) return error_response(body.error());
    auto input = rules::read_dry_run(*body);
    if (!input) return error_response(from_rules(input.error()));
    // The message's timestamp() is "now", as for a message arriving now.
    return reply(200, rules::dry_run(*input, SystemClock{}.wall_ms()));
}

}  // namespace

void add_rule_routes(Router& router, RuleManager& m) {
    auto on = [&](http::verb v, std::string_view path,
                  Response (*fn)(RuleManager&, const Request&)) {
        router.add(v, api_path(path), [&m, fn](const Request& r) { return fn(m, r); });
    };
    on(http::verb::post, "/rules", create_rule);
    on(http::verb::get, "/rules", list_rules);
    on(http::verb::get, "/rules/{id}", get_rule);
    on(http::verb::patch, "/rules/{id}", patch_rule);
    on(http::verb::delete_, "/rules/{id}", delete_rule);
    on(http::verb::post, "/rules/{id}:enable",
       [](RuleManager& mm, const Request& r) { return set_enabled(mm, r, true); });
    on(http::verb::post, "/rules/{id}:disable",
       [](RuleManager& mm, const Request& r) { return set_enabled(mm, r, false); });
    router.add(http::verb::post, api_path("/rules:test"), test_rule);
}

}  // namespace ts::api
