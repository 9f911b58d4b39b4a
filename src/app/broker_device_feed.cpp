#include "app/broker_device_feed.hpp"

namespace ts::app {
namespace {

class PlatformMessageSink final : public broker::MessageSink {
public:
    explicit PlatformMessageSink(api::DeviceFeed::Listener listener)
        : listener_(std::move(listener)) {}

    void on_message(const broker::Message& msg, const broker::ClientIdentity* publisher,
                    std::string_view) override {
        if (publisher) return;  // a client's message, not the platform's
        listener_(msg.topic, msg.payload.view());
    }

private:
    api::DeviceFeed::Listener listener_;
};

// One sink under several filters; removed from all of them on destruction.
// The broker may still be calling the sink on a routing thread right after
// the removal: the sink's listener must stay harmless then (the API's holds a
// weak reference to its stream).
class FeedSubscription final : public api::DeviceFeed::Subscription {
public:
    FeedSubscription(broker::Broker& broker, std::vector<std::string> filters,
                     std::shared_ptr<broker::MessageSink> sink)
        : broker_(broker), filters_(std::move(filters)), sink_(std::move(sink)) {
        for (const auto& f : filters_) broker_.add_sink(f, sink_);
    }
    ~FeedSubscription() override {
        for (const auto& f : filters_) broker_.remove_sink(f, sink_.get());
    }

private:
    broker::Broker& broker_;
    std::vector<std::string> filters_;
    std::shared_ptr<broker::MessageSink> sink_;
};

}  // namespace

std::unique_ptr<api::DeviceFeed::Subscription> BrokerDeviceFeed::subscribe(
    const std::vector<std::string>& filters, Listener listener) {
    return std::make_unique<FeedSubscription>(
        broker_, filters, std::make_shared<PlatformMessageSink>(std::move(listener)));
}

}  // namespace ts::app
