#pragma once
// The engine behind p2p: devices subscribe first, then backends subscribe
// to their replies and start sending; a warm-up, a measured window, then
// one second for the last replies before what is missing counts as lost.
#include <cstdint>
#include <optional>
#include <string>

#include "app/bench/options.hpp"
#include "app/bench/p2p_plan.hpp"
#include "app/bench/proc_sampler.hpp"
#include "app/bench/stats.hpp"

namespace ts::app::bench {

struct P2PResult {
    bool ok = false;  // every client connected and subscribed; else `error`
    std::string error;
    double window_s = 0;
    // Over the measured window.
    std::uint64_t requests = 0, replies = 0;
    // Over the whole run, after the grace second.
    std::uint64_t requests_total = 0, replies_total = 0, lost = 0;
    std::uint64_t failures = 0;  // connections lost or refused
    std::string first_failure;
    LatencyHistogram round_trip;  // replies received in the window
    std::optional<ProcSample> broker_before, broker_after;
};

P2PResult run_p2p_pairs(const BenchOptions& o, const P2PPlan& plan);

}  // namespace ts::app::bench
