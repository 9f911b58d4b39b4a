#pragma once
// The management API's routes, one file per resource. Each add_* function
// registers its resource's routes under kApiBase.
#include <string_view>

#include "api/router.hpp"
#include "api/services.hpp"
#include "registry/registry.hpp"

namespace ts::thing {
class ThingService;
}
namespace ts::rules {
class RuleManager;
}

namespace ts::api {

inline constexpr std::string_view kApiBase = "/api/v1";

struct Services {
    registry::Registry& registry;
    MessagePublisher& publisher;
    MetricsSource& metrics;
    HealthSource& health;
};

void add_product_routes(Router& router, registry::Registry& registry);
void add_device_routes(Router& router, registry::Registry& registry);
void add_topic_class_routes(Router& router, registry::Registry& registry);
void add_message_routes(Router& router, MessagePublisher& publisher);
// /healthz (liveness), /readyz (readiness), /metrics.
void add_health_routes(Router& router, MetricsSource& metrics, HealthSource& health);
void add_openapi_route(Router& router);
// Thing models and device data (thing_routes.cpp).
void add_thing_routes(Router& router, thing::ThingService& thing);
// Rules and their dry run, /rules and /rules:test (rules_routes.cpp).
void add_rule_routes(Router& router, rules::RuleManager& rules);

// Live views: /stream (server-sent events) and /overview (live_routes.cpp).
void add_live_routes(Router& router, DeviceFeed& feed, OverviewSource& overview);
// The console's static files from `dir` at / (console_files.cpp). Without
// the directory, / answers with a page saying how to build the console.
void add_console_routes(Router& router, const std::string& dir);

// Everything above.
void add_api_routes(Router& router, const Services& services);

// The OpenAPI 3.0 document for the routes above.
const std::string& openapi_document();

// kApiBase + suffix, for route patterns.
std::string api_path(std::string_view suffix);

}  // namespace ts::api
