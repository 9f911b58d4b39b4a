#pragma once
// What the p2p scenario will do, worked out from the options before any
// socket is opened: the pairs' topics, how many requests a pair may have
// outstanding, and the loss arithmetic. Pure, so it is unit-tested alone.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/bench/options.hpp"
#include "core/expected.hpp"

namespace ts::app::bench {

struct P2PPlan {
    std::size_t pairs = 0;
    // Requests a backend may have without a reply; 0 = no cap. Paced runs
    // are open loop (a slow broker must not slow the offered load, or its
    // latency would hide in the gaps), flat-out runs are closed loop.
    std::size_t window = 0;
};

// Flat out, the window is --inflight when given, else 1 (ping-pong).
Expected<P2PPlan, std::string> make_p2p_plan(const BenchOptions& o);

std::string p2p_request_topic(std::size_t pair);  // bench/p2p/{pair}/req
std::string p2p_reply_topic(std::size_t pair);    // bench/p2p/{pair}/resp

// Requests without a reply; duplicates (QoS 1 redelivery) never make it
// negative.
inline std::uint64_t p2p_lost(std::uint64_t sent, std::uint64_t replied) {
    return replied < sent ? sent - replied : 0;
}

}  // namespace ts::app::bench
