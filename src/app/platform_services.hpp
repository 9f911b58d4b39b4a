#pragma once
// The broker as the API and the thing layer see it: publishing for POST
// /messages and for device downlinks, and the counters behind GET /metrics.
#include "api/services.hpp"
#include "app/device_authenticator.hpp"
#include "broker/broker.hpp"
#include "rules/engine.hpp"
#include "thing/device_link.hpp"
#include "thing/thing_service.hpp"

namespace ts::app {

class BrokerPublisher final : public api::MessagePublisher {
public:
    explicit BrokerPublisher(broker::Broker& broker) : broker_(broker) {}
    Expected<void, std::string> publish(const std::string& topic, std::string payload, int qos,
                                        bool retain) override;

private:
    broker::Broker& broker_;
};

class BrokerMetrics final : public api::MetricsSource {
public:
    BrokerMetrics(broker::Broker& broker, const thing::ThingService* thing = nullptr,
                  const rules::RuleEngine* rules = nullptr,
                  const DeviceAuthenticator* auth = nullptr)
        : broker_(broker), thing_(thing), rules_(rules), auth_(auth) {}
    std::string prometheus_text() override;

private:
    broker::Broker& broker_;
    const thing::ThingService* thing_;
    const rules::RuleEngine* rules_;
    const DeviceAuthenticator* auth_;
};

// The broker as the thing layer sees it: system downlinks go to the device's
// own session (devices are keyed "device:{pk}/{dn}", see DeviceAuthenticator).
class BrokerDeviceLink final : public thing::DeviceLink {
public:
    explicit BrokerDeviceLink(broker::Broker& broker) : broker_(broker) {}
    bool send_to_device(const std::string& pk, const std::string& dn, std::string topic,
                        std::string payload, int qos) override;
    void publish(std::string topic, std::string payload) override;
    std::string server_address(const std::string& pk, const std::string& dn) override;

private:
    broker::Broker& broker_;
};

}  // namespace ts::app
