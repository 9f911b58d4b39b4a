#include "app/platform_health.hpp"

namespace ts::app {

api::HealthReport PlatformHealth::health() {
    api::HealthReport h;
    // The three writers that commit in the background: a failure there
    // reaches no caller, so this is where it shows.
    h.storage = {
        {"brokerState", broker_state_.stats().last_write_failed},
        {"thingData", thing_data_.last_write_failed()},
        {"deviceStatus", registry_.status_write_failed()},
    };
    h.shutting_down = shutting_down_.load();
    return h;
}

}  // namespace ts::app
