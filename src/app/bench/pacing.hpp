#pragma once
// Paced clients (--rate) spread over the period. Each client's schedule
// used to start at its CONNACK, and a thousand clients connect within a few
// milliseconds: they then all sent in the same 1 ms tick, and the "paced"
// load was a burst of up to a thousand messages every period, whose latency
// was the burst's own queueing (docs/benchmarks.md, "Paced latency"). A
// client now starts at a phase of its own, so the load is as even as a
// fleet's.
#include <atomic>
#include <cmath>
#include <cstdint>

namespace ts::app::bench {

// The next client's phase in [0, 1): successive multiples of the golden
// ratio's fraction, which spread any number of clients evenly over the
// period without knowing the number in advance.
inline double next_pacing_phase() {
    static std::atomic<std::uint64_t> clients{0};
    const auto n = clients.fetch_add(1, std::memory_order_relaxed);
    constexpr double kGoldenFraction = 0.6180339887498949;
    return std::fmod(static_cast<double>(n) * kGoldenFraction, 1.0);
}

// How many messages a client paced at `rate` per second with `phase` has
// due `elapsed_s` seconds after its start: the k-th (from 1) at
// (k - phase) / rate, so the first comes within one period.
inline std::uint64_t paced_due(double elapsed_s, double rate, double phase) {
    if (elapsed_s <= 0 || rate <= 0) return 0;
    return static_cast<std::uint64_t>(std::floor(elapsed_s * rate + phase));
}

}  // namespace ts::app::bench
