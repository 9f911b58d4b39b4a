#include "app/bench/pubsub_report.hpp"

#include <cmath>

namespace ts::app::bench {

namespace {
double per_s(std::uint64_t n, double s) {
    return s > 0 ? std::round(static_cast<double>(n) / s) : 0.0;
}
}  // namespace

void fill_pubsub_report(Report& r, const BenchOptions& o, const PubSubResult& res) {
    r.results["window_s"] = std::round(res.window_s * 1000) / 1000;
    r.results["sent_per_s"] = per_s(res.sent, res.window_s);
    r.results["received_per_s"] = per_s(res.received, res.window_s);
    if (o.qos == 1) r.results["acked_per_s"] = per_s(res.acked, res.window_s);
    r.results["sent_total"] = res.sent_total;
    r.results["received_total"] = res.received_total;
    r.results["loss"] = res.loss;
    r.results["out_of_order"] = res.out_of_order;
    r.results["connection_failures"] = res.failures;
    add_latency(r, res.latency);
    add_broker(r, res.broker_before, res.broker_after, res.received);
    if (res.failures > 0) r.notes.push_back("connections failed: " + res.first_failure);
    if (res.loss > 0)
        r.notes.push_back(
            "loss counts every message sent (warm-up included) that had not "
            "arrived a second after the last one did");
}

}  // namespace ts::app::bench
