#pragma once
// The engine behind fan-in and fan-out: subscribers first, then publishers,
// a warm-up, a measured window, then a drain so late messages are not
// counted as lost. The scenarios only choose topics and counts.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/bench/options.hpp"
#include "app/bench/proc_sampler.hpp"
#include "app/bench/stats.hpp"

namespace ts::app::bench {

struct PubSubPlan {
    std::vector<std::string> publisher_topics;  // one publisher per topic
    std::string subscriber_filter;
    std::size_t subscribers = 1;
    std::uint64_t copies = 1;  // subscribers each message should reach
};

struct PubSubResult {
    bool ok = false;  // everyone connected and subscribed; else `error`
    std::string error;
    double window_s = 0;
    // Over the measured window.
    std::uint64_t sent = 0, received = 0, acked = 0;
    // Over the whole run, after the drain.
    std::uint64_t sent_total = 0, received_total = 0, loss = 0, out_of_order = 0;
    std::uint64_t failures = 0;  // connections lost or refused
    std::string first_failure;
    LatencyHistogram latency;  // messages received in the window
    std::optional<ProcSample> broker_before, broker_after;
};

PubSubResult run_pubsub(const BenchOptions& o, const PubSubPlan& plan);

}  // namespace ts::app::bench
