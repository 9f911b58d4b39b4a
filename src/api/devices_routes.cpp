// /products/{pk}/devices: register (one or a batch), list with filters, read,
// delete, disable/enable, rotate the secret, replace the tags.
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/json_views.hpp"
#include "api/routes.hpp"

namespace ts::api {
namespace {

namespace http = boost::beast::http;
using registry::Registry;

Response device_reply(unsigned status, const registry::Result<registry::Device>& d) {
    if (!d) return error_response(from_registry(d.error()));
    return Response::json(status, to_json(*d));
}

Response register_device(Registry& reg, const Request& req) {
    auto body = json_object_body(req, {"deviceName"});
    if (!body) return error_response(body.error());
    FieldReader f(*body);
    auto name = f.string("deviceName");
    if (!f.ok()) return error_response(*f.error());
    return device_reply(201, reg.register_device(req.param("pk"), name.value_or("")));
}

Response register_batch(Registry& reg, const Request& req) {
    auto body = json_object_body(req, {"deviceNames", "count"});
    if (!body) return error_response(body.error());
    FieldReader f(*body);
    if (f.has("deviceNames") == f.has("count"))
        f.fail("deviceNames", "give either deviceNames or count");
    auto names = f.string_array("deviceNames");
    // The registry enforces the batch limit (LimitExceeded); this bound only
    // keeps the value inside size_t on every platform.
    auto count = f.integer("count", 1, 1'000'000'000);
    if (!f.ok()) return error_response(*f.error());

    const std::string& pk = req.param("pk");
    auto devices = names ? reg.register_devices(pk, *names)
                         : reg.register_devices(pk, static_cast<std::size_t>(*count));
    if (!devices) return error_response(from_registry(devices.error()));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& d : *devices) items.push_back(to_json(d));
    return Response::json(201, {{"items", std::move(items)}});
}

Response list_devices(Registry& reg, const Request& req) {
    if (auto q = check_query(req, {"pageSize", "pageToken", "status", "tag", "name"}); !q)
        return error_response(q.error());
    auto page = page_request(req);
    if (!page) return error_response(page.error());

    registry::DeviceFilter filter;
    if (auto status = req.query_param("status")) {
        filter.status = registry::parse_device_status(*status);
        if (!filter.status)
            return error_response(invalid_argument(
                "status", "must be \"inactive\", \"online\", \"offline\" or \"disabled\""));
    }
    if (auto tag = req.query_param("tag")) {
        // "key" matches any value, "key:value" that value.
        auto colon = tag->find(':');
        std::string key = tag->substr(0, colon);
        std::string value = colon == std::string::npos ? "" : tag->substr(colon + 1);
        if (key.empty())
            return error_response(invalid_argument("tag", "must be \"key\" or \"key:value\""));
        filter.tag = std::make_pair(std::move(key), std::move(value));
    }
    if (auto name = req.query_param("name")) filter.name_prefix = *name;

    auto result = reg.list_devices(req.param("pk"), filter, page->size, page->token);
    if (!result) return error_response(from_registry(result.error()));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& d : result->items) items.push_back(to_json(d, Secrets::Omit));
    return Response::json(
        200, {{"items", std::move(items)}, {"nextPageToken", result->next_page_token}});
}

Response get_device(Registry& reg, const Request& req) {
    return device_reply(200, reg.get_device(req.param("pk"), req.param("dn")));
}

Response delete_device(Registry& reg, const Request& req) {
    auto done = reg.delete_device(req.param("pk"), req.param("dn"));
    if (!done) return error_response(from_registry(done.error()));
    return Response::json(200, nlohmann::json::object());
}

Response set_enabled(Registry& reg, const Request& req, bool enabled) {
    auto body = json_object_body(req, {});
    if (!body) return error_response(body.error());
    return device_reply(200, reg.set_enabled(req.param("pk"), req.param("dn"), enabled));
}

Response rotate_secret(Registry& reg, const Request& req) {
    auto body = json_object_body(req, {});
    if (!body) return error_response(body.error());
    return device_reply(200, reg.rotate_secret(req.param("pk"), req.param("dn")));
}

Response put_tags(Registry& reg, const Request& req) {
    auto body = json_object_body(req, {"tags"});
    if (!body) return error_response(body.error());
    FieldReader f(*body);
    auto tags = f.string_map("tags", Required::Yes);
    if (!f.ok()) return error_response(*f.error());
    return device_reply(200, reg.set_tags(req.param("pk"), req.param("dn"), *tags));
}

}  // namespace

void add_device_routes(Router& router, Registry& reg) {
    router.add(http::verb::post, api_path("/products/{pk}/devices"),
               [&reg](const Request& r) { return register_device(reg, r); });
    router.add(http::verb::post, api_path("/products/{pk}/devices:batch"),
               [&reg](const Request& r) { return register_batch(reg, r); });
    router.add(http::verb::get, api_path("/products/{pk}/devices"),
               [&reg](const Request& r) { return list_devices(reg, r); });
    router.add(http::verb::get, api_path("/products/{pk}/devices/{dn}"),
               [&reg](const Request& r) { return get_device(reg, r); });
    router.add(http::verb::delete_, api_path("/products/{pk}/devices/{dn}"),
               [&reg](const Request& r) { return delete_device(reg, r); });
    router.add(http::verb::post, api_path("/products/{pk}/devices/{dn}:disable"),
               [&reg](const Request& r) { return set_enabled(reg, r, false); });
    router.add(http::verb::post, api_path("/products/{pk}/devices/{dn}:enable"),
               [&reg](const Request& r) { return set_enabled(reg, r, true); });
    router.add(http::verb::post, api_path("/products/{pk}/devices/{dn}:rotateSecret"),
               [&reg](const Request& r) { return rotate_secret(reg, r); });
    router.add(http::verb::put, api_path("/products/{pk}/devices/{dn}/tags"),
               [&reg](const Request& r) { return put_tags(reg, r); });
}

}  // namespace ts::api
