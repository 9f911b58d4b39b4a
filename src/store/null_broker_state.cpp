#include "store/broker_state.hpp"

namespace ts::store {

namespace {

class NullBrokerState final : public BrokerStateStore {
public:
    Expected<BrokerSnapshot, Error> load() override { return BrokerSnapshot{}; }
    void put_retained(RetainedRecord) override {}
    void delete_retained(std::string) override {}
    void put_session(SessionRecord) override {}
    void delete_session(std::string) override {}
    void put_subscription(SubscriptionRecord) override {}
    void delete_subscription(std::string, std::string) override {}
    void put_message(QueuedMessageRecord) override {}
    void delete_message(std::string, std::uint64_t) override {}
    void flush() override {}
};

}  // namespace

std::unique_ptr<BrokerStateStore> make_null_broker_state() {
    return std::make_unique<NullBrokerState>();
}

}  // namespace ts::store
