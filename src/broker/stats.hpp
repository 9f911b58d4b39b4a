#pragma once
// Counters behind $SYS and /metrics. Each worker has its own block, written
// by its thread only, so counting never bounces a cache line between cores.
#include <atomic>
#include <cstdint>

namespace ts::broker {

struct alignas(64) WorkerStats {
    std::atomic<std::uint64_t> messages_received{0};
    std::atomic<std::uint64_t> messages_sent{0};
    std::atomic<std::uint64_t> bytes_received{0};
    std::atomic<std::uint64_t> bytes_sent{0};
    std::atomic<std::uint64_t> connections{0};  // open on this worker
    // Closed at accept: over the limits on connections not yet signed in.
    std::atomic<std::uint64_t> connections_refused{0};
    std::atomic<std::uint64_t> publishes_denied{0};  // by the topic rights

    static void add(std::atomic<std::uint64_t>& c, std::uint64_t n) {
        c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
};

struct BrokerTotals {
    std::uint64_t messages_received = 0;
    std::uint64_t messages_sent = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t connections = 0;
    std::uint64_t sessions = 0;
    std::uint64_t subscriptions = 0;
    std::uint64_t retained = 0;
    std::uint64_t dropped = 0;
    std::uint64_t connections_refused = 0;
    std::uint64_t publishes_denied = 0;
    std::uint64_t retained_refused = 0;
    std::uint64_t retained_bytes = 0;
};

}  // namespace ts::broker
