// The broker in process (support/broker_harness.hpp): clients on in-memory
// transports, a manual clock, every step run to completion. Takeover, QoS 2,
// wills, expiry, keepalive and backpressure without sleeping.
#include <gtest/gtest.h>

#include "support/broker_harness.hpp"

namespace ts::broker::testing {
namespace {

using mqtt::PacketType;
using mqtt::ProtocolVersion;
using mqtt::QoS;
using mqtt::ReasonCode;

std::string text(const mqtt::Publish& p) {
    return std::string(p.payload.view());
}

TEST(BrokerInProcess, DeliversBetweenClientsOnDifferentWorkers) {
    BrokerHarness h;
    auto& sub = h.connect("sub");
    auto& pub = h.connect("pub");  // the other worker
    h.subscribe(sub, "t/#", QoS::AtLeastOnce);
    pub.send(make_publish("t/1", "hello", QoS::AtLeastOnce, 5));
    EXPECT_EQ(pub.expect_one<mqtt::PubResponse>().packet_id, 5);
    auto got = sub.publishes();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].topic, "t/1");
    EXPECT_EQ(text(got[0]), "hello");
    EXPECT_EQ(got[0].qos, QoS::AtLeastOnce);
}

// ---- takeover

TEST(BrokerInProcess, ASecondConnectionTakesTheSessionOver) {
    BrokerHarness h;
    auto c = make_connect("dev", ProtocolVersion::v5);
    c.clean_start = false;
    c.properties.session_expiry_interval = 600;
    auto& first = h.connect(c);
    h.subscribe(first, "cmd", QoS::AtLeastOnce);
    bool present = false;
    auto& second = h.connect(c, ReasonCode::Success, &present);
    EXPECT_TRUE(present);
    auto seen = first.received();
    ASSERT_EQ(seen.size(), 1u);
    ASSERT_TRUE(std::holds_alternative<mqtt::Disconnect>(seen[0]));
    EXPECT_EQ(std::get<mqtt::Disconnect>(seen[0]).reason, ReasonCode::SessionTakenOver);
    EXPECT_TRUE(first.closed_by_broker());

    auto& app = h.connect("app");
    app.send(make_publish("cmd", "go", QoS::AtLeastOnce, 1));
    app.received();
    auto got = second.publishes();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(text(got[0]), "go");
    EXPECT_TRUE(first.publishes().empty());
}

TEST(BrokerInProcess, TheOldConnectionsPacketsAfterATakeoverDoNotReachTheNewOnesQoS2State) {
    BrokerHarness h;
    auto c = make_connect("dev", ProtocolVersion::v311);
    c.clean_start = false;
    auto& first = h.connect(c);
    auto& sub = h.connect("sub");
    h.subscribe(sub, "t", QoS::ExactlyOnce);
    first.send(make_publish("t", "one", QoS::ExactlyOnce, 9));
    EXPECT_EQ(first.expect_one<mqtt::PubResponse>().type, PacketType::Pubrec);
    auto& second = h.connect(c);
    // The new connection completes the old one's QoS 2 exchange: the id is
    // known to the session, so PUBCOMP says Success, and a resend of the
    // same id before PUBREL is not routed twice.
    second.send(make_publish("t", "one", QoS::ExactlyOnce, 9));
    EXPECT_EQ(second.expect_one<mqtt::PubResponse>().type, PacketType::Pubrec);
    second.send(make_ack(PacketType::Pubrel, 9));
    auto comp = second.expect_one<mqtt::PubResponse>();
    EXPECT_EQ(comp.type, PacketType::Pubcomp);
    EXPECT_EQ(comp.reason, ReasonCode::Success);
    EXPECT_EQ(sub.publishes().size(), 1u);
}

// ---- QoS 2

TEST(BrokerInProcess, QoS2InboundIsRoutedOnceWhateverTheResends) {
    BrokerHarness h;
    auto& sub = h.connect("sub");
    auto& pub = h.connect("pub");
    h.subscribe(sub, "t", QoS::ExactlyOnce);
    pub.send(make_publish("t", "x", QoS::ExactlyOnce, 7));
    EXPECT_EQ(pub.expect_one<mqtt::PubResponse>().type, PacketType::Pubrec);
    auto dup = make_publish("t", "x", QoS::ExactlyOnce, 7);
    dup.dup = true;
    pub.send(dup);
    EXPECT_EQ(pub.expect_one<mqtt::PubResponse>().type, PacketType::Pubrec);
    EXPECT_EQ(sub.publishes().size(), 1u);
    pub.send(make_ack(PacketType::Pubrel, 7));
    EXPECT_EQ(pub.expect_one<mqtt::PubResponse>().reason, ReasonCode::Success);
    // The id is free again: a new message with it is a new message.
    pub.send(make_publish("t", "y", QoS::ExactlyOnce, 7));
    pub.received();
    auto got = sub.publishes();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(text(got[0]), "y");
    // A PUBREL for an id never received says so (5.0 would read the code).
    pub.send(make_ack(PacketType::Pubrel, 4242));
    EXPECT_EQ(pub.expect_one<mqtt::PubResponse>().type, PacketType::Pubcomp);
}

TEST(BrokerInProcess, QoS2OutboundWaitsForPubrecThenPubcomp) {
    BrokerConfig cfg;
    cfg.max_inflight = 1;
    BrokerHarness h(cfg);
    auto& sub = h.connect("sub");
    auto& pub = h.connect("pub");
    h.subscribe(sub, "t", QoS::ExactlyOnce);
    // The publisher's side of each exchange is completed before the next
    // (its receive maximum is one as well).
    for (std::uint16_t id : {1, 2}) {
        pub.send(make_publish("t", id == 1 ? "a" : "b", QoS::ExactlyOnce, id));
        EXPECT_EQ(pub.expect_one<mqtt::PubResponse>().type, PacketType::Pubrec);
        pub.send(make_ack(PacketType::Pubrel, id));
        EXPECT_EQ(pub.expect_one<mqtt::PubResponse>().type, PacketType::Pubcomp);
    }
    auto first = sub.publishes();
    ASSERT_EQ(first.size(), 1u);  // a window of one
    sub.send(make_ack(PacketType::Pubrec, first[0].packet_id));
    auto rel = sub.expect_one<mqtt::PubResponse>();
    EXPECT_EQ(rel.type, PacketType::Pubrel);
    EXPECT_TRUE(sub.publishes().empty());  // still in flight until PUBCOMP
    sub.send(make_ack(PacketType::Pubcomp, first[0].packet_id));
    auto second = sub.publishes();
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(text(second[0]), "b");
}

// ---- wills

mqtt::Connect with_will(std::string id, ProtocolVersion v, std::uint32_t delay_s = 0,
                        std::uint32_t expiry_s = 0) {
    auto c = make_connect(std::move(id), v);
    mqtt::Will w;
    w.topic = "wills/" + c.client_id;
    w.payload = SharedBuffer::copy_of(std::string_view("gone"));
    w.qos = QoS::AtLeastOnce;
    if (delay_s) w.properties.will_delay_interval = delay_s;
    c.will = std::move(w);
    if (expiry_s) c.properties.session_expiry_interval = expiry_s;
    return c;
}

TEST(BrokerInProcess, AWillIsPublishedWhenTheNetworkGoesNotOnDisconnect) {
    BrokerHarness h;
    auto& watcher = h.connect("watcher");
    h.subscribe(watcher, "wills/#", QoS::AtLeastOnce);
    auto& lost = h.connect(with_will("lost", ProtocolVersion::v311));
    auto& polite = h.connect(with_will("polite", ProtocolVersion::v311));
    polite.send(mqtt::Disconnect{});
    lost.drop();
    auto got = watcher.publishes();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].topic, "wills/lost");
}

TEST(BrokerInProcess, AWillDelayIsCountedOnTheClockAndEndedByReconnecting) {
    BrokerHarness h;
    auto& watcher = h.connect("watcher");
    h.subscribe(watcher, "wills/#", QoS::AtLeastOnce);
    auto late = with_will("late", ProtocolVersion::v5, 10, 600);
    auto back = with_will("back", ProtocolVersion::v5, 10, 600);
    h.connect(late).drop();
    h.connect(back).drop();
    h.advance(5'000);
    EXPECT_TRUE(watcher.publishes().empty());
    back.clean_start = false;
    h.connect(back);  // within the delay: its will is not sent
    h.advance(5'000);
    auto got = watcher.publishes();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].topic, "wills/late");
    h.advance(60'000);
    EXPECT_TRUE(watcher.publishes().empty());
}

// ---- expiry and keepalive

TEST(BrokerInProcess, AnOfflineSessionEndsWhenItsExpiryPasses) {
    BrokerHarness h;
    auto c = make_connect("dev", ProtocolVersion::v5);
    c.clean_start = false;
    c.properties.session_expiry_interval = 30;
    h.connect(c).send(mqtt::Disconnect{});
    h.advance(29'000);
    bool present = false;
    h.connect(c, ReasonCode::Success, &present).send(mqtt::Disconnect{});
    EXPECT_TRUE(present);
    h.advance(31'000);
    h.connect(c, ReasonCode::Success, &present);
    EXPECT_FALSE(present);
}

TEST(BrokerInProcess, KeepaliveClosesAfterOneAndAHalfIntervalsOfSilence) {
    BrokerHarness h;
    auto c = make_connect("quiet");
    c.keep_alive = 10;
    auto& quiet = h.connect(c);
    h.advance(14'000);
    EXPECT_FALSE(quiet.closed_by_broker());
    quiet.send(mqtt::Pingreq{});
    EXPECT_TRUE(std::holds_alternative<mqtt::Pingresp>(quiet.received().at(0)));
    h.advance(14'000);  // 14 s after the ping
    EXPECT_FALSE(quiet.closed_by_broker());
    h.advance(2'000);
    EXPECT_TRUE(quiet.closed_by_broker());
}

TEST(BrokerInProcess, AConnectionThatSendsNoConnectIsClosedAtTheTimeout) {
    BrokerConfig cfg;
    cfg.connect_timeout_ms = 3'000;
    BrokerHarness h(cfg);
    auto& silent = h.open();
    h.advance(2'000);
    EXPECT_FALSE(silent.closed_by_broker());
    h.advance(2'000);
    EXPECT_TRUE(silent.closed_by_broker());
}

// ---- backpressure

TEST(BrokerInProcess, APublisherIsPausedByAFullSubscriberAndResumedWhenItDrains) {
    BrokerConfig cfg;
    cfg.max_inflight = 4;
    cfg.max_queued_messages = 8;
    BrokerHarness h(cfg);
    auto& sub = h.connect("slow");
    auto& pub = h.connect("fast");
    h.subscribe(sub, "t", QoS::AtLeastOnce);
    constexpr int kMessages = 100;
    std::vector<std::uint8_t> burst;
    for (int i = 1; i <= kMessages; ++i)
        mqtt::encode(
            make_publish("t", std::to_string(i), QoS::AtLeastOnce, static_cast<std::uint16_t>(i)),
            ProtocolVersion::v311, burst);
    pub.send_bytes(burst);
    const auto acked_while_full = pub.received().size();
    EXPECT_LT(acked_while_full, static_cast<std::size_t>(kMessages)) << "never paused";
    // The subscriber reads and acknowledges: everything arrives, in order,
    // and every message is acknowledged to the publisher.
    std::vector<std::string> order;
    std::size_t acked = acked_while_full;
    for (int round = 0; round < 1000 && order.size() < kMessages; ++round) {
        for (auto& p : sub.publishes()) {
            order.push_back(text(p));
            sub.send(make_ack(PacketType::Puback, p.packet_id));
        }
        acked += pub.received().size();
    }
    ASSERT_EQ(order.size(), static_cast<std::size_t>(kMessages));
    for (int i = 0; i < kMessages; ++i) EXPECT_EQ(order[i], std::to_string(i + 1));
    acked += pub.received().size();
    EXPECT_EQ(acked, static_cast<std::size_t>(kMessages));
}

// ---- limits before sign-in

TEST(BrokerInProcess, AConnectOverTheSizeLimitIsRefusedFromItsFixedHeader) {
    BrokerConfig cfg;
    cfg.max_connect_packet_size = 1024;
    BrokerHarness h(cfg);
    auto& big = h.open();
    big.send_bytes({0x10, 0x80, 0x80, 0x40});  // claims 1 MiB
    EXPECT_TRUE(big.closed_by_broker());
    // Under the limit, a slow CONNECT is waited for.
    auto& slow = h.open();
    slow.send_bytes({0x10, 0xe8, 0x07});  // claims 1000 bytes
    EXPECT_FALSE(slow.closed_by_broker());
}

TEST(BrokerInProcess, ConnectionsNotSignedInAreLimitedPerAddressGroup) {
    BrokerConfig cfg;
    cfg.max_pending_connects_per_address = 4;  // two per worker
    BrokerHarness h(cfg, 2);
    std::vector<FakeClient*> waiting;
    for (int i = 0; i < 4; ++i) waiting.push_back(&h.open(ProtocolVersion::v311, "2001:db8::1"));
    for (auto* c : waiting) EXPECT_FALSE(c->closed_by_broker());
    // Same /64, another address: refused; another /64: accepted.
    EXPECT_TRUE(h.open(ProtocolVersion::v311, "2001:db8::2").closed_by_broker());
    EXPECT_TRUE(h.open(ProtocolVersion::v311, "2001:db8::3").closed_by_broker());
    EXPECT_FALSE(h.open(ProtocolVersion::v311, "2001:db8:0:1::1").closed_by_broker());
    EXPECT_EQ(h.broker().totals().connections_refused, 2u);
    // Once one of them signs in, its place is free.
    waiting[1]->send(make_connect("first"));  // on worker 1
    EXPECT_EQ(waiting[1]->expect_one<mqtt::Connack>().reason, ReasonCode::Success);
    auto& next = h.open(ProtocolVersion::v311, "2001:db8::4");  // the 8th: worker 1
    EXPECT_FALSE(next.closed_by_broker());
}

// ---- retained

TEST(BrokerInProcess, ForgottenRetainedMessagesAreNotSentToNewSubscribers) {
    BrokerHarness h;
    auto& pub = h.connect("pub");
    auto keep = make_publish("/pk/other/user/x", "keep", QoS::AtLeastOnce, 1);
    keep.retain = true;
    auto drop = make_publish("/pk/gone/user/x", "drop", QoS::AtLeastOnce, 2);
    drop.retain = true;
    pub.send(keep);
    pub.send(drop);
    pub.received();
    EXPECT_EQ(h.broker().forget_retained([](const std::string& topic, const std::string&) {
        return topic.starts_with("/pk/gone/");
    }),
              1u);
    auto& sub = h.connect("sub");
    h.subscribe(sub, "/pk/#", QoS::AtLeastOnce);
    auto got = sub.publishes();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(text(got[0]), "keep");
}

}  // namespace
}  // namespace ts::broker::testing
