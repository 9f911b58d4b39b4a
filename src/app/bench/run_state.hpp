#pragma once
// State a scenario's clients share with the thread that runs the phases.
// Counters have one writer each (the worker thread that owns them) and are
// read by the main thread for window snapshots, so relaxed atomics with a
// plain load+store (no locked instruction) are enough.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "app/bench/stats.hpp"

namespace ts::app::bench {

struct Control {
    std::atomic<bool> measuring{false};        // record latencies
    std::atomic<bool> stop_publishing{false};  // publishers produce no more
};

struct WorkerCounters {
    std::atomic<std::uint64_t> sent{0}, received{0}, acked{0};
    std::atomic<std::uint64_t> publishers_ready{0}, subscribers_ready{0}, failures{0};
    LatencyHistogram latency;   // owner thread only; read after the threads stop
    std::string first_failure;  // likewise
};

inline void bump(std::atomic<std::uint64_t>& a, std::uint64_t n = 1) {
    a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// A phase length given in (fractional) seconds on the command line.
inline std::chrono::nanoseconds seconds(double s) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
}

inline std::uint64_t steady_ns(std::chrono::steady_clock::time_point t) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

}  // namespace ts::app::bench
