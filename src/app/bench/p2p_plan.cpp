#include "app/bench/p2p_plan.hpp"

#include "app/bench/payload.hpp"

namespace ts::app::bench {

Expected<P2PPlan, std::string> make_p2p_plan(const BenchOptions& o) {
    if (o.pairs == 0) return unexpected(std::string("--pairs must be at least 1"));
    if (o.qos != 0 && o.qos != 1) return unexpected(std::string("--qos must be 0 or 1"));
    if (o.payload_size < kStampSize)
        return unexpected("--payload-size must be at least " + std::to_string(kStampSize) +
                          " (the stamp)");
    if (o.rate < 0) return unexpected(std::string("--rate must not be negative"));
    P2PPlan plan;
    plan.pairs = o.pairs;
    if (o.rate <= 0) plan.window = o.inflight_given ? o.inflight : 1;
    if (o.rate <= 0 && plan.window == 0)
        return unexpected(std::string("--inflight must be at least 1"));
    return plan;
}

std::string p2p_request_topic(std::size_t pair) {
    return "bench/p2p/" + std::to_string(pair) + "/req";
}

std::string p2p_reply_topic(std::size_t pair) {
    return "bench/p2p/" + std::to_string(pair) + "/resp";
}

}  // namespace ts::app::bench
