// /products: create, list, read, change (name, description, validation mode), delete.
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/json_views.hpp"
#include "api/routes.hpp"

namespace ts::api {
namespace {

namespace http = boost::beast::http;
using registry::Registry;

constexpr std::string_view kValidationModes = "\"strict\", \"lenient\" or \"off\"";

Response create_product(Registry& reg, const Request& req) {
    auto body = json_object_body(
        req, {"name", "nodeType", "dataFormat", "authType", "description", "validationMode"});
    if (!body) return error_response(body.error());
    FieldReader f(*body);
    registry::ProductSpec spec;
    if (auto name = f.string("name", Required::Yes)) spec.name = *name;
    if (auto v = f.enumeration("nodeType", registry::parse_node_type, "\"device\" or \"gateway\""))
        spec.node_type = *v;
    if (auto v = f.enumeration("dataFormat", registry::parse_data_format, "\"alink\" or \"raw\""))
        spec.data_format = *v;
    if (auto v = f.enumeration("authType", registry::parse_auth_type, "\"secret\" or \"x509\""))
        spec.auth_type = *v;
    if (auto v = f.string("description")) spec.description = *v;
    if (auto v = f.enumeration("validationMode", registry::parse_validation_mode, kValidationModes))
        spec.validation_mode = *v;
    if (!f.ok()) return error_response(*f.error());

    auto product = reg.create_product(spec);
    if (!product) return error_response(from_registry(product.error()));
    return Response::json(201, to_json(*product));
}

Response list_products(Registry& reg, const Request& req) {
    if (auto q = check_query(req, {"pageSize", "pageToken"}); !q) return error_response(q.error());
    auto page = page_request(req);
    if (!page) return error_response(page.error());
    auto result = reg.list_products(page->size, page->token);
    if (!result) return error_response(from_registry(result.error()));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& p : result->items) items.push_back(to_json(p, Secrets::Omit));
    return Response::json(
        200, {{"items", std::move(items)}, {"nextPageToken", result->next_page_token}});
}

Response get_product(Registry& reg, const Request& req) {
    auto product = reg.get_product(req.param("pk"));
    if (!product) return error_response(from_registry(product.error()));
    return Response::json(200, to_json(*product));
}

Response patch_product(Registry& reg, const Request& req) {
    // The fields a product is created with but may not change afterwards
    // get a clearer message than "unknown field".
    static constexpr std::string_view kFixed[] = {"productKey", "productSecret", "nodeType",
                                                  "dataFormat", "authType",      "createdTime"};
    auto body = json_object_body(
        req, {"name", "description", "validationMode", "productKey", "productSecret", "nodeType",
              "dataFormat", "authType", "createdTime"});
    if (!body) return error_response(body.error());
    FieldReader f(*body);
    for (auto field : kFixed)
        if (body->contains(field)) f.fail(field, "cannot be changed after the product is created");
    registry::ProductPatch patch;
    patch.name = f.string("name");
    patch.description = f.string("description");
    patch.validation_mode =
        f.enumeration("validationMode", registry::parse_validation_mode, kValidationModes);
    if (!f.ok()) return error_response(*f.error());

    auto product = reg.update_product(req.param("pk"), patch);
    if (!product) return error_response(from_registry(product.error()));
    return Response::json(200, to_json(*product));
}

Response delete_product(Registry& reg, const Request& req) {
    auto done = reg.delete_product(req.param("pk"));
    if (!done) return error_response(from_registry(done.error()));
    return Response::json(200, nlohmann::json::object());
}

}  // namespace

void add_product_routes(Router& router, Registry& reg) {
    router.add(http::verb::post, api_path("/products"),
               [&reg](const Request& r) { return create_product(reg, r); });
    router.add(http::verb::get, api_path("/products"),
               [&reg](const Request& r) { return list_products(reg, r); });
    router.add(http::verb::get, api_path("/products/{pk}"),
               [&reg](const Request& r) { return get_product(reg, r); });
    router.add(http::verb::patch, api_path("/products/{pk}"),
               [&reg](const Request& r) { return patch_product(reg, r); });
    router.add(http::verb::delete_, api_path("/products/{pk}"),
               [&reg](const Request& r) { return delete_product(reg, r); });
}

}  // namespace ts::api
