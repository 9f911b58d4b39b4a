#pragma once
// The engine behind props: every device signs in and subscribes to its
// post_reply, then posts; a warm-up, a measured window, then two seconds
// for the last replies before what is unanswered counts as lost.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/bench/device_credentials.hpp"
#include "app/bench/options.hpp"
#include "app/bench/proc_sampler.hpp"
#include "app/bench/props_plan.hpp"
#include "app/bench/stats.hpp"

namespace ts::app::bench {

struct PropsResult {
    bool ok = false;  // every device signed in and subscribed; else `error`
    std::string error;
    double window_s = 0;
    // Over the measured window.
    std::uint64_t posts = 0, stored = 0, refused = 0;
    // Over the whole run, after the grace period.
    std::uint64_t posts_total = 0, stored_total = 0, refused_total = 0, lost = 0;
    std::uint64_t failures = 0;  // connections lost or refused
    std::string first_failure;
    std::string first_refusal;
    LatencyHistogram reply_latency;  // replies received in the window
    std::optional<ProcSample> broker_before, broker_after;
};

// o.identity must sign client i in as devices[i].
PropsResult run_props_devices(const BenchOptions& o, const PropsPlan& plan,
                              const std::vector<DeviceCredential>& devices);

}  // namespace ts::app::bench
