// p2p: N device/backend pairs doing request and reply over the broker; the
// figures are round trips per second and round-trip latency.
#include <cmath>
#include <iostream>

#include "app/bench/p2p_run.hpp"
#include "app/bench/report.hpp"
#include "app/bench/scenarios.hpp"

namespace ts::app::bench {

namespace {

double per_s(std::uint64_t n, double s) {
    return s > 0 ? std::round(static_cast<double>(n) / s) : 0.0;
}

}  // namespace

int run_p2p(const BenchOptions& o) {
    const auto plan = make_p2p_plan(o);
    if (!plan) {
        std::cerr << "thingstead: bench p2p: " << plan.error() << "\n";
        return 1;
    }
    const auto res = run_p2p_pairs(o, *plan);
    if (!res.ok) {
        std::cerr << "thingstead: bench p2p: " << res.error << "\n";
        return 1;
    }
    Report r;
    r.scenario = "p2p";
    r.parameters = common_parameters(o);
    r.parameters["pairs"] = plan->pairs;
    r.parameters["qos"] = o.qos;
    r.parameters["rate_per_pair"] = o.rate > 0 ? nlohmann::ordered_json(o.rate) : "flat out";
    if (plan->window > 0) r.parameters["inflight_per_pair"] = plan->window;
    r.parameters["payload_size"] = o.payload_size;
    r.parameters["duration_s"] = o.duration_s;
    r.parameters["warmup_s"] = o.warmup_s;

    r.results["window_s"] = std::round(res.window_s * 1000) / 1000;
    r.results["requests_per_s"] = per_s(res.requests, res.window_s);
    r.results["replies_per_s"] = per_s(res.replies, res.window_s);
    r.results["requests_total"] = res.requests_total;
    r.results["replies_total"] = res.replies_total;
    r.results["lost"] = res.lost;
    r.results["connection_failures"] = res.failures;
    // Round trip: backend -> broker -> device -> broker -> backend.
    add_latency(r, res.round_trip);
    add_broker(r, res.broker_before, res.broker_after, res.replies, "broker_cpu_us_per_round_trip");
    if (res.failures > 0) r.notes.push_back("connections failed: " + res.first_failure);
    if (res.lost > 0)
        r.notes.push_back(
            "lost counts every request sent (warm-up included) without a reply a second "
            "after the end");
    print_report(r, o.json, std::cout);
    return 0;
}

}  // namespace ts::app::bench
