// Assembles the management API from its resources.
#include "api/routes.hpp"

namespace ts::api {

std::string api_path(std::string_view suffix) {
    std::string out(kApiBase);
    out += suffix;
    return out;
}

void add_api_routes(Router& router, const Services& services) {
    add_health_routes(router, services.metrics, services.health);
    add_openapi_route(router);
    add_product_routes(router, services.registry);
    add_device_routes(router, services.registry);
    add_topic_class_routes(router, services.registry);
    add_message_routes(router, services.publisher);
}

}  // namespace ts::api
