// The thing model and device data: /products/{pk}/thing-model, a device's
// properties (latest, history, aggregate, set), events, service calls,
// shadow, desired properties, and the product's remote config.
#include <charconv>

#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "api/thing_views.hpp"
#include "thing/thing_service.hpp"

namespace ts::api {
namespace {

namespace http = boost::beast::http;
using thing::ThingService;

constexpr std::string_view kDevice = "/products/{pk}/devices/{dn}";

std::string device_path(std::string_view suffix) {
    std::string s(kDevice);
    s += suffix;
    return api_path(s);
}

Expected<std::int64_t, ApiError> query_int(const Request& req, const std::string& name,
                                           std::int64_t fallback, std::int64_t min,
                                           std::int64_t max) {
    auto v = req.query_param(name);
    if (!v) return fallback;
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc{} || end != v->data() + v->size() || n < min || n > max)
        return unexpected(invalid_argument(
            name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)));
    return n;
}

// from/to (ms, inclusive), pageSize (1..1000, default 100), pageToken.
Expected<store::HistoryQuery, ApiError> history_query(const Request& req) {
    store::HistoryQuery q;
    auto from = query_int(req, "from", 0, 0, INT64_MAX);
    if (!from) return unexpected(from.error());
    auto to = query_int(req, "to", INT64_MAX, 0, INT64_MAX);
    if (!to) return unexpected(to.error());
    auto size = query_int(req, "pageSize", 100, 1, 1000);
    if (!size) return unexpected(size.error());
    if (*from > *to) return unexpected(invalid_argument("from", "must not be after to"));
    q.from = *from;
    q.to = *to;
    q.limit = static_cast<std::size_t>(*size);
    if (auto t = req.query_param("pageToken")) q.page_token = *t;
    return q;
}

template <typename T>
Response page_reply(const thing::ThingResult<store::HistoryPage<T>>& page) {
    if (!page) return error_response(from_thing(page.error()));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& i : page->items) items.push_back(to_json(i));
    return Response::json(200,
                          {{"items", std::move(items)}, {"nextPageToken", page->next_page_token}});
}

Response json_reply(unsigned status, const thing::ThingResult<nlohmann::json>& r) {
    if (!r) return error_response(from_thing(r.error()));
    return Response::json(status, *r);
}

// --- thing model ---

Response put_thing_model(ThingService& t, const Request& req) {
    if (!is_json_content_type(req.header("Content-Type")))
        return error_response(ApiError{415, "UnsupportedMediaType",
                                       "a thing model is a JSON document (application/json)"});
    auto model = t.set_thing_model(req.param("pk"), req.body);
    if (!model) return error_response(from_thing(model.error()));
    return json_reply(200, t.thing_model_document(req.param("pk")));
}

Response get_thing_model(ThingService& t, const Request& req) {
    return json_reply(200, t.thing_model_document(req.param("pk")));
}

// --- properties ---

Response latest_properties(ThingService& t, const Request& req) {
    if (auto q = check_query(req, {}); !q) return error_response(q.error());
    return json_reply(200, t.latest_properties(req.param("pk"), req.param("dn")));
}

Response property_history(ThingService& t, const Request& req) {
    if (auto q = check_query(req, {"from", "to", "pageSize", "pageToken"}); !q)
        return error_response(q.error());
    auto q = history_query(req);
    if (!q) return error_response(q.error());
    return page_reply(
        t.property_history(req.param("pk"), req.param("dn"), req.param("identifier"), *q));
}

Response property_aggregate(ThingService& t, const Request& req) {
    if (auto q = check_query(req, {"from", "to", "interval"}); !q) return error_response(q.error());
    auto from = query_int(req, "from", 0, 0, INT64_MAX);
    if (!from) return error_response(from.error());
    auto to = query_int(req, "to", INT64_MAX, 0, INT64_MAX);
    if (!to) return error_response(to.error());
    if (*from > *to) return error_response(invalid_argument("from", "must not be after to"));
    auto interval = query_int(req, "interval", 60000, 1000, 366LL * 24 * 3600 * 1000);
    if (!interval) return error_response(interval.error());
    auto buckets = t.property_aggregate(req.param("pk"), req.param("dn"), req.param("identifier"),
                                        *from, *to, *interval);
    if (!buckets) return error_response(from_thing(buckets.error()));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& b : *buckets) items.push_back(to_json(b));
    return Response::json(200, {{"items", std::move(items)}, {"interval", *interval}});
}

Response call_reply(const thing::ThingResult<thing::CallOutcome>& r) {
    if (!r) return error_response(from_thing(r.error()));
    nlohmann::json j = {{"messageId", r->message_id}};
    if (r->sync) {
        j["code"] = r->code;
        j["data"] = r->data;
        j["message"] = r->message;
    }
    return Response::json(200, j);
}

Response set_properties(ThingService& t, const Request& req) {
    auto body = json_object_body(req, {"params"});
    if (!body) return error_response(body.error());
    if (!body->contains("params")) return error_response(invalid_argument("params", "required"));
    return call_reply(t.set_properties(req.param("pk"), req.param("dn"), (*body)["params"]));
}

Response invoke_service(ThingService& t, const Request& req) {
    auto body = json_object_body(req, {"params", "timeoutMs"});
    if (!body) return error_response(body.error());
    FieldReader f(*body);
    auto timeout = f.integer("timeoutMs", 1, 8000);
    if (!f.ok()) return error_response(*f.error());
    nlohmann::json params = body->value("params", nlohmann::json::object());
    std::optional<int> t_ms;
    if (timeout) t_ms = static_cast<int>(*timeout);
    return call_reply(
        t.invoke_service(req.param("pk"), req.param("dn"), req.param("identifier"), params, t_ms));
}

// --- events and calls ---

Response events(ThingService& t, const Request& req) {
    if (auto q = check_query(req, {"from", "to", "pageSize", "pageToken", "identifier"}); !q)
        return error_response(q.error());
    auto q = history_query(req);
    if (!q) return error_response(q.error());
    return page_reply(
        t.events(req.param("pk"), req.param("dn"), req.query_param("identifier").value_or(""), *q));
}

Response calls(ThingService& t, const Request& req) {
    if (auto q = check_query(req, {"from", "to", "pageSize", "pageToken"}); !q)
        return error_response(q.error());
    auto q = history_query(req);
    if (!q) return error_response(q.error());
    return page_reply(t.calls(req.param("pk"), req.param("dn"), *q));
}

// --- shadow and desired ---

Response put_shadow(ThingService& t, const Request& req) {
    auto body = json_object_body(req, {"state", "version"});
    if (!body) return error_response(body.error());
    FieldReader f(*body);
    auto version = f.integer("version", 0, INT64_MAX);
    if (!f.ok()) return error_response(*f.error());
    auto state = body->find("state");
    if (state == body->end() || !state->is_object())
        return error_response(invalid_argument("state", "must be an object with \"desired\""));
    for (const auto& [k, v] : state->items()) {
        (void)v;
        if (k != "desired")
            return error_response(
                invalid_argument("state." + k, "only desired values are set from the API"));
    }
    auto desired = state->find("desired");
    if (desired == state->end())
        return error_response(invalid_argument("state.desired", "required"));
    return json_reply(200,
                      t.update_shadow_desired(req.param("pk"), req.param("dn"), *desired, version));
}

Response put_desired(ThingService& t, const Request& req) {
    auto body = json_object_body(req, {"params"});
    if (!body) return error_response(body.error());
    if (!body->contains("params")) return error_response(invalid_argument("params", "required"));
    return json_reply(
        200, t.set_desired_properties(req.param("pk"), req.param("dn"), (*body)["params"]));
}

// --- remote config ---

nlohmann::json to_json(const thing::ConfigInfo& c) {
    return {{"configId", c.config_id}, {"configSize", c.size}, {"sign", c.sha256_hex},
            {"signMethod", "Sha256"},  {"url", c.url},         {"updatedTime", c.updated_time}};
}

Response put_config(ThingService& t, const Request& req) {
    auto body = json_object_body(req, {"content"});
    if (!body) return error_response(body.error());
    FieldReader f(*body);
    auto content = f.string("content", Required::Yes);
    if (!f.ok()) return error_response(*f.error());
    auto info = t.put_config(req.param("pk"), std::move(*content));
    if (!info) return error_response(from_thing(info.error()));
    return Response::json(200, to_json(*info));
}

Response get_config(ThingService& t, const Request& req) {
    auto info = t.config_info(req.param("pk"));
    if (!info) return error_response(from_thing(info.error()));
    return Response::json(200, to_json(*info));
}

Response push_config(ThingService& t, const Request& req) {
    auto body = json_object_body(req, {});
    if (!body) return error_response(body.error());
    auto n = t.push_config(req.param("pk"));
    if (!n) return error_response(from_thing(n.error()));
    return Response::json(200, {{"devicesReached", *n}});
}

Response config_file(ThingService& t, const Request& req) {
    auto content = t.config_file(req.param("pk"), req.param("configId"));
    if (!content) return error_response(from_thing(content.error()));
    return Response::text(200, "application/octet-stream", std::move(*content));
}

}  // namespace

void add_thing_routes(Router& router, ThingService& t) {
    auto on = [&](http::verb v, std::string path, Response (*fn)(ThingService&, const Request&),
                  Access access = Access::Admin) {
        router.add(
            v, std::move(path), [&t, fn](const Request& r) { return fn(t, r); }, access);
    };
    on(http::verb::put, api_path("/products/{pk}/thing-model"), put_thing_model);
    on(http::verb::get, api_path("/products/{pk}/thing-model"), get_thing_model);
    on(http::verb::get, device_path("/properties"), latest_properties);
    on(http::verb::post, device_path("/properties"), set_properties);
    on(http::verb::get, device_path("/properties/{identifier}/history"), property_history);
    on(http::verb::get, device_path("/properties/{identifier}/aggregate"), property_aggregate);
    on(http::verb::post, device_path("/services/{identifier}"), invoke_service);
    on(http::verb::get, device_path("/events"), events);
    on(http::verb::get, device_path("/calls"), calls);
    on(http::verb::get, device_path("/shadow"), [](ThingService& s, const Request& r) {
        return json_reply(200, s.shadow(r.param("pk"), r.param("dn")));
    });
    on(http::verb::put, device_path("/shadow"), put_shadow);
    on(http::verb::get, device_path("/desired-properties"), [](ThingService& s, const Request& r) {
        return json_reply(200, s.desired_properties(r.param("pk"), r.param("dn")));
    });
    on(http::verb::put, device_path("/desired-properties"), put_desired);
    on(http::verb::put, api_path("/products/{pk}/config"), put_config);
    on(http::verb::get, api_path("/products/{pk}/config"), get_config);
    on(http::verb::post, api_path("/products/{pk}/config:push"), push_config);
    // Devices download with the unguessable id as their only credential.
    on(http::verb::get, api_path("/config-files/{pk}/{configId}"), config_file, Access::Public);
}

}  // namespace ts::api
