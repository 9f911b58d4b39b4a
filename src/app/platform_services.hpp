#pragma once
// The broker as the API sees it: publishing for POST /messages, and the
// counters behind GET /metrics.
#include "api/services.hpp"
#include "broker/broker.hpp"

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
    explicit BrokerMetrics(broker::Broker& broker) : broker_(broker) {}
    std::string prometheus_text() override;

private:
    broker::Broker& broker_;
};

}  // namespace ts::app
