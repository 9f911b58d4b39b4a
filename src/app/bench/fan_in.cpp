// fan-in: many devices publish to their own topics, a few backend consumers
// (a shared subscription when more than one) receive everything.
#include <iostream>

#include "app/bench/pubsub_report.hpp"
#include "app/bench/scenarios.hpp"

namespace ts::app::bench {

int run_fan_in(const BenchOptions& o) {
    PubSubPlan plan;
    for (std::size_t i = 0; i < o.publishers; ++i)
        plan.publisher_topics.push_back("bench/" + std::to_string(i));
    plan.subscribers = o.subscribers;
    plan.subscriber_filter = o.subscribers > 1 ? "$share/bench/bench/+" : "bench/+";
    plan.copies = 1;

    const auto res = run_pubsub(o, plan);
    if (!res.ok) {
        std::cerr << "thingstead: bench fan-in: " << res.error << "\n";
        return 1;
    }
    Report r;
    r.scenario = "fan-in";
    r.parameters = common_parameters(o);
    r.parameters["publishers"] = o.publishers;
    r.parameters["subscribers"] = o.subscribers;
    r.parameters["filter"] = plan.subscriber_filter;
    r.parameters["qos"] = o.qos;
    r.parameters["rate_per_publisher"] = o.rate > 0 ? nlohmann::ordered_json(o.rate) : "flat out";
    if (o.qos == 1) r.parameters["inflight"] = o.inflight;
    r.parameters["payload_size"] = o.payload_size;
    r.parameters["duration_s"] = o.duration_s;
    r.parameters["warmup_s"] = o.warmup_s;
    fill_pubsub_report(r, o, res);
    print_report(r, o.json, std::cout);
    return 0;
}

}  // namespace ts::app::bench
