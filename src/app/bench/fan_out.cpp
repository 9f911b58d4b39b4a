// fan-out: one publisher, every subscriber on the same topic receives each
// message; the figure is deliveries per second.
#include <iostream>

#include "app/bench/pubsub_report.hpp"
#include "app/bench/scenarios.hpp"

namespace ts::app::bench {

int run_fan_out(const BenchOptions& o) {
    PubSubPlan plan;
    plan.publisher_topics.push_back("bench/fanout");
    plan.subscribers = o.subscribers;
    plan.subscriber_filter = "bench/fanout";
    plan.copies = o.subscribers;

    const auto res = run_pubsub(o, plan);
    if (!res.ok) {
        std::cerr << "thingstead: bench fan-out: " << res.error << "\n";
        return 1;
    }
    Report r;
    r.scenario = "fan-out";
    r.parameters = common_parameters(o);
    r.parameters["publishers"] = 1;
    r.parameters["subscribers"] = o.subscribers;
    r.parameters["qos"] = o.qos;
    r.parameters["rate"] = o.rate > 0 ? nlohmann::ordered_json(o.rate) : "flat out";
    if (o.qos == 1) r.parameters["inflight"] = o.inflight;
    r.parameters["payload_size"] = o.payload_size;
    r.parameters["duration_s"] = o.duration_s;
    r.parameters["warmup_s"] = o.warmup_s;
    fill_pubsub_report(r, o, res);
    // received_per_s is the delivery rate here; name it as such too.
    r.results["deliveries_per_s"] = r.results["received_per_s"];
    print_report(r, o.json, std::cout);
    return 0;
}

}  // namespace ts::app::bench
