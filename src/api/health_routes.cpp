// Liveness, readiness and metrics. All unauthenticated: load balancers,
// orchestrators and Prometheus scrapers usually carry no credentials, and no
// reply holds anything secret (states of writers, counts and gauges; no
// names or secrets).
//
// /healthz is liveness: 200 while the process serves, even when storage is
// failing (restarting would not mend a full disk), but its body says
// "degraded" and which writer fails. /readyz is readiness: 503 NotReady,
// naming the failing parts, while storage writes fail or the platform shuts
// down, so traffic goes elsewhere meanwhile.
#include <nlohmann/json.hpp>

#include "api/routes.hpp"

namespace ts::api {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

// "storage.thingData", ..., "shutdown": what keeps the platform from being ready.
std::vector<std::string> failing_parts(const HealthReport& h) {
    std::vector<std::string> out;
    for (const auto& w : h.storage)
        if (w.last_write_failed) out.push_back("storage." + w.name);
    if (h.shutting_down) out.emplace_back("shutdown");
    return out;
}

Response healthz(HealthSource& source) {
    HealthReport h = source.health();
    json writers = json::object();
    bool storage_ok = true;
    for (const auto& w : h.storage) {
        writers[w.name] = w.last_write_failed ? "failing" : "ok";
        storage_ok = storage_ok && !w.last_write_failed;
    }
    return Response::json(
        200, {{"status", storage_ok ? "ok" : "degraded"},
              {"storage", {{"status", storage_ok ? "ok" : "failing"}, {"writers", writers}}}});
}

Response readyz(HealthSource& source) {
    auto failing = failing_parts(source.health());
    if (failing.empty()) return Response::json(200, {{"status", "ready"}});
    std::string list;
    for (const auto& part : failing) list += (list.empty() ? "" : ", ") + part;
    // An error body (code, message) like every other, with the parts listed
    // for machines.
    return Response::json(503, {{"code", "NotReady"},
                                {"message", "not ready: " + list},
                                {"status", "not-ready"},
                                {"failing", failing}});
}

}  // namespace

void add_health_routes(Router& router, MetricsSource& metrics, HealthSource& health) {
    for (std::string path : {std::string("/healthz"), api_path("/healthz")})
        router.add(
            http::verb::get, path, [&health](const Request&) { return healthz(health); },
            Access::Public);
    for (std::string path : {std::string("/readyz"), api_path("/readyz")})
        router.add(
            http::verb::get, path, [&health](const Request&) { return readyz(health); },
            Access::Public);
    router.add(
        http::verb::get, "/metrics",
        [&metrics](const Request&) {
            return Response::text(200, "text/plain; version=0.0.4; charset=utf-8",
                                  metrics.prometheus_text());
        },
        Access::Public);
}

}  // namespace ts::api
