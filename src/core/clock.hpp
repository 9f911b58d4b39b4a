#pragma once
// Time is injected: keepalive, expiry and will delays read a Clock so tests
// can advance a manual clock instead of sleeping.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace ts {

using Millis = std::int64_t;

class Clock {
public:
    virtual ~Clock() = default;
    // Monotonic milliseconds, for timeouts.
    virtual Millis now_ms() const = 0;
    // Wall-clock milliseconds since the Unix epoch, for stored timestamps.
    virtual Millis wall_ms() const = 0;
};

class SystemClock final : public Clock {
public:
    Millis now_ms() const override {
        using namespace std::chrono;
        return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
    }
    Millis wall_ms() const override {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }
};

class ManualClock final : public Clock {
public:
    Millis now_ms() const override { return now_.load(); }
    Millis wall_ms() const override { return 1'700'000'000'000 + now_.load(); }
    void advance(Millis ms) { now_ += ms; }

private:
    std::atomic<Millis> now_{0};
};

}  // namespace ts
