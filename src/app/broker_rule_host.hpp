#pragma once
// The broker as the rules engine sees it: a rule's FROM filter becomes a sink
// on the broker's subscription index, and republish actions publish through
// the broker marked as rule output (which rules do not see again).
#include <memory>
#include <string>

#include "broker/broker.hpp"
#include "rules/engine.hpp"

namespace ts::app {

class BrokerRuleHost final : public rules::RuleHost {
public:
    explicit BrokerRuleHost(broker::Broker& broker) : broker_(broker) {}
    std::unique_ptr<Subscription> subscribe(const std::string& filter,
                                            std::function<void(const Routed&)> on_message) override;
    // For TargetEnv::publish.
    void publish(std::string topic, std::string payload, int qos);

private:
    broker::Broker& broker_;
};

}  // namespace ts::app
