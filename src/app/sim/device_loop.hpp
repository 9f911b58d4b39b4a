#pragma once
// One simulated device on its own thread: signs in with Alibaba's scheme
// over the synchronous MqttClient, subscribes to its service and RRPC topics,
// posts at each tick of its SimThing and answers downlinks between ticks.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "app/sim/stats.hpp"
#include "thing/thing_model.hpp"

namespace ts::app::sim {

struct DeviceConfig {
    std::string product_key, device_name, device_secret;
    std::string host = "127.0.0.1";
    std::string port = "1883";
    std::chrono::milliseconds interval{1000};
    std::uint64_t seed = 0;
    thing::ThingModelPtr model;
};

// How a device's first attempt to sign in went. The command gives up when
// every device failed it (a wrong port, a broker that is down).
class FirstConnect {
public:
    enum State : int { Pending, Online, Failed };
    State state() const { return static_cast<State>(state_.load(std::memory_order_acquire)); }
    // Valid once state() is Failed.
    const std::string& error() const { return error_; }

    // The first report wins; called by the device thread only.
    void online();
    void failed(std::string error);

private:
    std::atomic<int> state_{Pending};
    std::string error_;
};

// Runs the device until `stop`; reconnects after a loss with a backoff of 1
// to 10 s, and disconnects before returning. Problems go to stderr (the
// first after each good spell) and into counters.errors.
void run_device(const DeviceConfig& config, Counters& counters, FirstConnect& first,
                const std::atomic<bool>& stop);

}  // namespace ts::app::sim
