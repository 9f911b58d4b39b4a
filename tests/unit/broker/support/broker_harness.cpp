#include "support/broker_harness.hpp"

namespace ts::broker::testing {

void FakeClient::send_bytes(const std::vector<std::uint8_t>& bytes) {
    pipe_->to_broker.insert(pipe_->to_broker.end(), bytes.begin(), bytes.end());
    pipe_->complete_read();
    harness_.run();
}

void FakeClient::send(const mqtt::Packet& p) {
    std::vector<std::uint8_t> bytes;
    mqtt::encode(p, version_, bytes);
    send_bytes(bytes);
}

std::vector<mqtt::Packet> FakeClient::received() {
    harness_.run();
    unread_.insert(unread_.end(), pipe_->from_broker.begin(), pipe_->from_broker.end());
    pipe_->from_broker.clear();
    std::vector<mqtt::Packet> out = std::move(held_);
    held_.clear();
    std::size_t pos = 0;
    while (pos < unread_.size()) {
        auto frame = mqtt::read_fixed_header({unread_.data() + pos, unread_.size() - pos},
                                             256 * 1024 * 1024);
        if (frame.status != mqtt::FrameStatus::Complete) break;
        const std::size_t len = frame.header.total_length();
        auto p = mqtt::decode({unread_.data() + pos, len}, version_);
        EXPECT_TRUE(p.has_value()) << "the broker wrote a packet that does not decode";
        if (p) out.push_back(std::move(*p));
        pos += len;
    }
    unread_.erase(unread_.begin(), unread_.begin() + static_cast<std::ptrdiff_t>(pos));
    return out;
}

std::vector<mqtt::Publish> FakeClient::publishes() {
    std::vector<mqtt::Publish> out;
    for (auto& p : received()) {
        if (auto* pub = std::get_if<mqtt::Publish>(&p)) out.push_back(std::move(*pub));
    }
    return out;
}

void FakeClient::drop() {
    pipe_->client_closed = true;
    pipe_->complete_read();
    harness_.run();
}

BrokerHarness::BrokerHarness(BrokerConfig cfg, std::size_t workers)
    : store_(store::make_null_broker_state()) {
    clock_.advance(1'000'000);   // far from zero, as a monotonic clock is
    cfg.allow_anonymous = true;  // no authenticator: every client is anonymous
    broker_ = std::make_unique<Broker>(std::move(cfg), clock_, *store_);
    broker_->start_driven(workers);
}

BrokerHarness::~BrokerHarness() {
    broker_->stop();
}

FakeClient& BrokerHarness::open(mqtt::ProtocolVersion v, std::string address) {
    auto ctxs = broker_->contexts();
    const std::size_t worker = next_worker_++ % ctxs.size();
    auto pipe = std::make_shared<Pipe>();
    pipe->ioc = ctxs[worker];
    clients_.push_back(std::make_unique<FakeClient>(*this, pipe, v));
    broker_->accept(worker, std::make_unique<FakeTransport>(pipe, std::move(address)));
    run();
    return *clients_.back();
}

FakeClient& BrokerHarness::connect(mqtt::Connect c, mqtt::ReasonCode reason,
                                   bool* session_present) {
    auto& client = open(c.version);
    client.send(c);
    auto ack = client.expect_one<mqtt::Connack>();
    EXPECT_EQ(ack.reason, reason) << "CONNACK for " << c.client_id;
    if (session_present) *session_present = ack.session_present;
    return client;
}

FakeClient& BrokerHarness::connect(std::string client_id, mqtt::ProtocolVersion v) {
    return connect(make_connect(std::move(client_id), v));
}

void BrokerHarness::subscribe(FakeClient& c, std::string filter, mqtt::QoS qos,
                              std::uint16_t packet_id) {
    mqtt::Subscribe s;
    s.packet_id = packet_id;
    s.topics.push_back({std::move(filter), {.max_qos = qos}});
    c.send(s);
    // The SUBACK, then perhaps retained messages: those stay for the test.
    auto got = c.received();
    ASSERT_FALSE(got.empty());
    ASSERT_TRUE(std::holds_alternative<mqtt::Suback>(got.front()));
    auto ack = std::get<mqtt::Suback>(got.front());
    c.held_.assign(std::make_move_iterator(got.begin() + 1), std::make_move_iterator(got.end()));
    ASSERT_EQ(ack.reasons.size(), 1u);
    EXPECT_EQ(static_cast<int>(ack.reasons[0]), static_cast<int>(qos));
}

mqtt::Connect make_connect(std::string client_id, mqtt::ProtocolVersion v) {
    mqtt::Connect c;
    c.version = v;
    c.client_id = std::move(client_id);
    c.keep_alive = 60;
    return c;
}

mqtt::Publish make_publish(std::string topic, std::string payload, mqtt::QoS qos,
                           std::uint16_t packet_id) {
    mqtt::Publish p;
    p.topic = std::move(topic);
    p.payload = SharedBuffer::copy_of(payload);
    p.qos = qos;
    p.packet_id = packet_id;
    return p;
}

mqtt::PubResponse make_ack(mqtt::PacketType type, std::uint16_t packet_id) {
    return mqtt::PubResponse{type, packet_id, mqtt::ReasonCode::Success, {}};
}

}  // namespace ts::broker::testing
