#pragma once
// Device online/offline: recorded in the registry and announced on
// /as/mqtt/status/{pk}/{dn} in Alibaba's format for application clients.
#include "broker/authenticator.hpp"
#include "broker/broker.hpp"
#include "core/clock.hpp"
#include "registry/registry.hpp"

namespace ts::app {

class DeviceStatusPublisher final : public broker::ConnectionObserver {
public:
    DeviceStatusPublisher(registry::Registry& registry, broker::Broker& broker, const Clock& clock)
        : registry_(registry), broker_(broker), clock_(clock) {}

    void on_online(const broker::ClientIdentity& who, std::string_view client_ip) override;
    void on_offline(const broker::ClientIdentity& who, std::string_view client_ip) override;

    // The status message body (exposed for tests).
    static std::string status_json(std::string_view status, std::string_view pk,
                                   std::string_view dn, std::int64_t time_ms,
                                   std::int64_t last_time_ms, std::string_view client_ip);

private:
    void announce(const broker::ClientIdentity& who, std::string_view status, std::string_view ip);

    registry::Registry& registry_;
    broker::Broker& broker_;
    const Clock& clock_;
};

}  // namespace ts::app
