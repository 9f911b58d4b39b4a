#include "app/broker_rule_host.hpp"

#include "core/log.hpp"

namespace ts::app {

namespace {

class RuleSink final : public broker::MessageSink {
public:
    explicit RuleSink(std::function<void(const rules::RuleHost::Routed&)> fn)
        : fn_(std::move(fn)) {}

    void on_message(const broker::Message& msg, const broker::ClientIdentity* publisher,
                    std::string_view client_ip) override {
        rules::RuleHost::Routed r;
        r.topic = msg.topic;
        r.payload = msg.payload.view();
        if (publisher && publisher->kind == broker::ClientIdentity::Kind::Device) {
            r.product_key = publisher->product_key;
            r.device_name = publisher->device_name;
        }
        r.client_ip = client_ip;
        r.from_rule = msg.from_rule;
        // A rule's failure must not escape into the broker's routing.
        try {
            fn_(r);
        } catch (const std::exception& e) {
            log::get("rules")->error("topic={}: rule evaluation threw: {}", msg.topic, e.what());
        }
    }

private:
    std::function<void(const rules::RuleHost::Routed&)> fn_;
};

class SinkSubscription final : public rules::RuleHost::Subscription {
public:
    SinkSubscription(broker::Broker& broker, std::string filter,
                     std::shared_ptr<broker::MessageSink> sink)
        : broker_(broker), filter_(std::move(filter)), sink_(std::move(sink)) {
        broker_.add_sink(filter_, sink_);
    }
    ~SinkSubscription() override { broker_.remove_sink(filter_, sink_.get()); }

private:
    broker::Broker& broker_;
    std::string filter_;
    std::shared_ptr<broker::MessageSink> sink_;
};

}  // namespace

std::unique_ptr<rules::RuleHost::Subscription> BrokerRuleHost::subscribe(
    const std::string& filter, std::function<void(const Routed&)> on_message) {
    return std::make_unique<SinkSubscription>(broker_, filter,
                                              std::make_shared<RuleSink>(std::move(on_message)));
}

void BrokerRuleHost::publish(std::string topic, std::string payload, int qos) {
    broker_.publish_from_platform(std::move(topic), std::move(payload), static_cast<mqtt::QoS>(qos),
                                  false, /*from_rule=*/true);
}

}  // namespace ts::app
