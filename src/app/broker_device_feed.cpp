#include "app/broker_device_feed.hpp"

namespace ts::app {
namespace {

class PlatformMessageSink final : public broker::MessageSink {
public:
    explicit PlatformMessageSink(api::DeviceFeed::Listener listener)
        : listener_(std::move(listener)) {}

    void on_message(const broker::Message& msg, const broker::ClientIdentity*,
                    std::string_view) override {
        // Not a client's message nor a client's will on a look-alike topic.
        if (!msg.from_platform) return;
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
        std::size_t added = 0;
        try {
            for (; added < filters_.size(); ++added) broker_.add_sink(filters_[added], sink_);
        } catch (...) {
            // No destructor runs for a half-built subscription: undo here.
            for (std::size_t i = 0; i < added; ++i) broker_.remove_sink(filters_[i], sink_.get());
            throw;
        }
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
