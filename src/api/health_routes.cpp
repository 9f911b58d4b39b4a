// Liveness and metrics. Both are unauthenticated: load balancers and
// Prometheus scrapers usually carry no credentials, and neither reply holds
// anything secret (metrics are counts and gauges, no names or secrets).
#include "api/routes.hpp"

#include <nlohmann/json.hpp>

namespace ts::api {
namespace {

namespace http = boost::beast::http;

Response healthz(const Request&) {
    return Response::json(200, {{"status", "ok"}});
}

}  // namespace

void add_health_routes(Router& router, MetricsSource& metrics) {
    router.add(http::verb::get, "/healthz", healthz, Access::Public);
    router.add(http::verb::get, api_path("/healthz"), healthz, Access::Public);
    router.add(
        http::verb::get, "/metrics",
        [&metrics](const Request&) {
            return Response::text(200, "text/plain; version=0.0.4; charset=utf-8",
                                  metrics.prometheus_text());
        },
        Access::Public);
}

}  // namespace ts::api
