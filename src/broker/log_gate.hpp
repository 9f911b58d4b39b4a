#pragma once
// Lets one log line through per interval and counts the events it held
// back, so that a flood of the same event (a client publishing where it may
// not, a store that is full) costs a line per interval, not a line per event.
// Safe to share between threads.
#include <atomic>
#include <cstdint>

#include "core/clock.hpp"

namespace ts::broker {

class LogGate {
public:
    explicit LogGate(Millis interval) : interval_(interval) {}

    // 0 while the interval since the last line runs (the event is counted);
    // otherwise the number of events the line stands for: this one and
    // those held back since the last line.
    std::uint64_t pass(Millis now) {
        Millis last = last_.load(std::memory_order_relaxed);
        if (last != kNever && now - last < interval_) {
            held_.fetch_add(1, std::memory_order_relaxed);
            return 0;
        }
        if (!last_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
            held_.fetch_add(1, std::memory_order_relaxed);  // another thread writes the line
            return 0;
        }
        return held_.exchange(0, std::memory_order_relaxed) + 1;
    }

private:
    static constexpr Millis kNever = -1;
    Millis interval_;
    std::atomic<Millis> last_{kNever};
    std::atomic<std::uint64_t> held_{0};
};

}  // namespace ts::broker
