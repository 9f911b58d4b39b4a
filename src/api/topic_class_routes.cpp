// /products/{pk}/topic-classes: a product's custom topic classes. The topic
// is the class's key; DELETE takes it from the query string because it holds
// '/' and "${deviceName}".
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/json_views.hpp"
#include "api/routes.hpp"

namespace ts::api {
namespace {

namespace http = boost::beast::http;
using registry::Registry;

Response list_topic_classes(Registry& reg, const Request& req) {
    if (auto q = check_query(req, {}); !q) return error_response(q.error());
    auto classes = reg.list_topic_classes(req.param("pk"));
    if (!classes) return error_response(from_registry(classes.error()));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& t : *classes) items.push_back(to_json(t));
    return Response::json(200, {{"items", std::move(items)}});
}

Response add_topic_class(Registry& reg, const Request& req) {
    auto body = json_object_body(req, {"topic", "permission", "description"});
    if (!body) return error_response(body.error());
    FieldReader f(*body);
    auto topic = f.string("topic", Required::Yes);
    auto permission = f.enumeration("permission", registry::parse_topic_permission,
                                    "\"pub\", \"sub\" or \"all\"", Required::Yes);
    auto description = f.string("description");
    if (!f.ok()) return error_response(*f.error());

    auto added =
        reg.add_topic_class(req.param("pk"), *topic, *permission, description.value_or(""));
    if (!added) return error_response(from_registry(added.error()));
    return Response::json(201, to_json(*added));
}

Response delete_topic_class(Registry& reg, const Request& req) {
    if (auto q = check_query(req, {"topic"}); !q) return error_response(q.error());
    auto topic = req.query_param("topic");
    if (!topic || topic->empty()) return error_response(invalid_argument("topic", "required"));
    auto done = reg.delete_topic_class(req.param("pk"), *topic);
    if (!done) return error_response(from_registry(done.error()));
    return Response::json(200, nlohmann::json::object());
}

}  // namespace

void add_topic_class_routes(Router& router, Registry& reg) {
    router.add(http::verb::get, api_path("/products/{pk}/topic-classes"),
               [&reg](const Request& r) { return list_topic_classes(reg, r); });
    router.add(http::verb::post, api_path("/products/{pk}/topic-classes"),
               [&reg](const Request& r) { return add_topic_class(reg, r); });
    router.add(http::verb::delete_, api_path("/products/{pk}/topic-classes"),
               [&reg](const Request& r) { return delete_topic_class(reg, r); });
}

}  // namespace ts::api
