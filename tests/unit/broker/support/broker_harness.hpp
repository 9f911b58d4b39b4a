#pragma once
// The broker in process, driven by the test: workers without threads, a
// manual clock, and clients on in-memory transports (FakeTransport). Every
// step runs to completion before the test looks (Broker::run_pending), and
// time moves only when the test says so (advance), so takeover, wills,
// expiry, keepalive, QoS flows and backpressure are tested without sleeping.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/broker.hpp"
#include "mqtt/codec.hpp"
#include "store/broker_state.hpp"
#include "support/fake_transport.hpp"

namespace ts::broker::testing {

class BrokerHarness;

// One client: what it sends goes to the broker, what the broker sent is
// read back as packets.
class FakeClient {
public:
    FakeClient(BrokerHarness& h, std::shared_ptr<Pipe> pipe, mqtt::ProtocolVersion v)
        : harness_(h), pipe_(std::move(pipe)), version_(v) {}

    void send(const mqtt::Packet& p);
    void send_bytes(const std::vector<std::uint8_t>& bytes);
    // Every packet the broker wrote since the last call.
    std::vector<mqtt::Packet> received();
    // The one packet received since the last call, of type T.
    template <typename T>
    T expect_one() {
        auto ps = received();
        EXPECT_EQ(ps.size(), 1u);
        if (ps.size() != 1 || !std::holds_alternative<T>(ps.front())) {
            ADD_FAILURE() << "expected one packet of the asked type, got " << ps.size();
            return T{};
        }
        return std::get<T>(ps.front());
    }
    std::vector<mqtt::Publish> publishes();  // PUBLISHes received since the last call
    void drop();                             // the network goes away (no DISCONNECT)
    bool closed_by_broker() const { return pipe_->server_closed; }
    mqtt::ProtocolVersion version() const { return version_; }

private:
    BrokerHarness& harness_;
    std::shared_ptr<Pipe> pipe_;
    mqtt::ProtocolVersion version_;
    std::vector<std::uint8_t> unread_;
    std::vector<mqtt::Packet> held_;  // decoded, not yet returned (see take_suback)

    friend class BrokerHarness;
};

class BrokerHarness {
public:
    explicit BrokerHarness(BrokerConfig cfg = {}, std::size_t workers = 2);
    ~BrokerHarness();

    // A new connection (on the workers in turn) that has sent nothing yet.
    FakeClient& open(mqtt::ProtocolVersion v = mqtt::ProtocolVersion::v311,
                     std::string address = "192.0.2.1");
    // A new connection that sent `c` and was answered CONNACK `reason`.
    FakeClient& connect(mqtt::Connect c, mqtt::ReasonCode reason = mqtt::ReasonCode::Success,
                        bool* session_present = nullptr);
    FakeClient& connect(std::string client_id,
                        mqtt::ProtocolVersion v = mqtt::ProtocolVersion::v311);
    void subscribe(FakeClient& c, std::string filter, mqtt::QoS qos, std::uint16_t packet_id = 1);

    void run() { broker_->run_pending(); }
    // Moves the clock and runs what the timers would run by then.
    void advance(Millis ms) {
        clock_.advance(ms);
        broker_->tick();
    }
    Broker& broker() { return *broker_; }
    ManualClock& clock() { return clock_; }

private:
    ManualClock clock_;
    std::unique_ptr<store::BrokerStateStore> store_;
    std::unique_ptr<Broker> broker_;
    std::vector<std::unique_ptr<FakeClient>> clients_;
    std::size_t next_worker_ = 0;
};

mqtt::Connect make_connect(std::string client_id,
                           mqtt::ProtocolVersion v = mqtt::ProtocolVersion::v311);
mqtt::Publish make_publish(std::string topic, std::string payload,
                           mqtt::QoS qos = mqtt::QoS::AtMostOnce, std::uint16_t packet_id = 0);
mqtt::PubResponse make_ack(mqtt::PacketType type, std::uint16_t packet_id);

}  // namespace ts::broker::testing
