#pragma once
// The report fields fan-in and fan-out share.
#include "app/bench/pubsub_run.hpp"
#include "app/bench/report.hpp"

namespace ts::app::bench {

// Rates over the window, totals and loss after the drain, latency, broker.
void fill_pubsub_report(Report& r, const BenchOptions& o, const PubSubResult& res);

}  // namespace ts::app::bench
