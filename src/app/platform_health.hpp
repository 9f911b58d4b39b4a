#pragma once
// The platform's health as /healthz and /readyz report it: the flags the
// store writers keep about their last commit, and whether serve() is
// shutting down. Reading them touches no disk and waits for no write.
#include <atomic>

#include "api/services.hpp"
#include "registry/registry.hpp"
#include "store/broker_state.hpp"
#include "store/thing_data.hpp"

namespace ts::app {

class PlatformHealth final : public api::HealthSource {
public:
    PlatformHealth(const store::BrokerStateStore& broker_state,
                   const store::ThingDataStore& thing_data, const registry::Registry& registry)
        : broker_state_(broker_state), thing_data_(thing_data), registry_(registry) {}

    api::HealthReport health() override;
    void set_shutting_down() { shutting_down_ = true; }

private:
    const store::BrokerStateStore& broker_state_;
    const store::ThingDataStore& thing_data_;
    const registry::Registry& registry_;
    std::atomic<bool> shutting_down_{false};
};

}  // namespace ts::app
