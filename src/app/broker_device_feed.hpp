#pragma once
// The broker as the API's live views see it: each stream's topic filters
// become sinks on the broker's subscription index, taking only the messages
// the platform itself publishes (status, accepted posts, replies), never a
// client's publish or will on a look-alike topic.
#include "api/services.hpp"
#include "broker/broker.hpp"

namespace ts::app {

class BrokerDeviceFeed final : public api::DeviceFeed {
public:
    explicit BrokerDeviceFeed(broker::Broker& broker) : broker_(broker) {}
    std::unique_ptr<Subscription> subscribe(const std::vector<std::string>& filters,
                                            Listener listener) override;

private:
    broker::Broker& broker_;
};

}  // namespace ts::app
