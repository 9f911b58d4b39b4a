// The CLI's MQTT client against a scripted in-test peer on loopback: the
// peer reads packets with our codec and answers as the test says.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "app/cli/mqtt_client.hpp"
#include "mqtt/codec.hpp"

namespace ts::app::cli {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

class Peer {
public:
    // `script` sees each packet the client sends and answers through `send`.
    using Send = std::function<void(const mqtt::Packet&)>;
    using Script = std::function<void(const mqtt::Packet&, const Send&)>;

    Peer(mqtt::ProtocolVersion v, Script script)
        : version_(v),
          script_(std::move(script)),
          acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
        thread_ = std::thread([this] { serve(); });
    }
    ~Peer() {
        boost::system::error_code ec;
        acceptor_.close(ec);
        {
            std::lock_guard lock(mutex_);
            if (socket_) socket_->shutdown(tcp::socket::shutdown_both, ec);
        }
        thread_.join();
    }
    std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }
    std::vector<mqtt::Packet> received() {
        std::lock_guard lock(mutex_);
        return received_;
    }

private:
    void serve() {
        boost::system::error_code ec;
        tcp::socket s(ioc_);
        acceptor_.accept(s, ec);
        if (ec) return;
        {
            std::lock_guard lock(mutex_);
            socket_ = &s;
        }
        Send send = [&](const mqtt::Packet& p) {
            std::vector<std::uint8_t> out;
            mqtt::encode(p, version_, out);
            boost::system::error_code wec;
            asio::write(s, asio::buffer(out), wec);
        };
        std::vector<std::uint8_t> buf;
        std::uint8_t chunk[4096];
        for (;;) {
            auto f = mqtt::read_fixed_header(buf, 1 << 20);
            if (f.status == mqtt::FrameStatus::Complete) {
                auto p = mqtt::decode(std::span(buf.data(), f.header.total_length()), version_);
                buf.erase(buf.begin(), buf.begin() + static_cast<long>(f.header.total_length()));
                if (!p) break;
                {
                    std::lock_guard lock(mutex_);
                    received_.push_back(*p);
                }
                script_(*p, send);
                continue;
            }
            auto n = s.read_some(asio::buffer(chunk), ec);
            if (ec) break;
            buf.insert(buf.end(), chunk, chunk + n);
        }
        std::lock_guard lock(mutex_);
        socket_ = nullptr;
    }

    mqtt::ProtocolVersion version_;
    Script script_;
    asio::io_context ioc_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::mutex mutex_;
    tcp::socket* socket_ = nullptr;
    std::vector<mqtt::Packet> received_;
};

// Accepts every CONNECT, grants every subscription, acknowledges QoS 1.
void friendly(const mqtt::Packet& p, const Peer::Send& send) {
    if (std::holds_alternative<mqtt::Connect>(p)) send(mqtt::Connack{});
    if (auto* s = std::get_if<mqtt::Subscribe>(&p))
        send(mqtt::Suback{s->packet_id, {mqtt::ReasonCode::GrantedQoS1}, {}});
    if (auto* pub = std::get_if<mqtt::Publish>(&p); pub && pub->qos == mqtt::QoS::AtLeastOnce)
        send(mqtt::PubResponse{mqtt::PacketType::Puback, pub->packet_id, {}, {}});
    if (std::holds_alternative<mqtt::Pingreq>(p)) send(mqtt::Pingresp{});
}

MqttConnectOptions options(const Peer& peer,
                           mqtt::ProtocolVersion v = mqtt::ProtocolVersion::v311) {
    MqttConnectOptions o;
    o.port = peer.port();
    o.version = v;
    o.client_id = "test";
    o.timeout = 3s;
    return o;
}

TEST(CliMqttClient, ConnectPublishSubscribeReceive) {
    Peer peer(mqtt::ProtocolVersion::v311, [](const mqtt::Packet& p, const Peer::Send& send) {
        friendly(p, send);
        // Echo a subscription's first message back as a QoS 1 delivery.
        if (auto* s = std::get_if<mqtt::Subscribe>(&p)) {
            mqtt::Publish m;
            m.topic = s->topics[0].filter;
            m.qos = mqtt::QoS::AtLeastOnce;
            m.packet_id = 7;
            m.payload = SharedBuffer::copy_of("hello");
            send(m);
        }
    });
    MqttClient c;
    auto o = options(peer);
    o.username = "u";
    o.password = "p";
    ASSERT_TRUE(c.connect(o));
    ASSERT_TRUE(c.publish("a/b", "x", mqtt::QoS::AtLeastOnce, true));
    ASSERT_TRUE(c.publish("a/c", "y", mqtt::QoS::AtMostOnce, false));
    auto granted = c.subscribe("t/1", mqtt::QoS::AtLeastOnce);
    ASSERT_TRUE(granted) << granted.error().message;
    EXPECT_EQ(*granted, mqtt::QoS::AtLeastOnce);
    auto msg = c.receive(std::chrono::steady_clock::now() + 3s);
    ASSERT_TRUE(msg) << msg.error().message;
    ASSERT_TRUE(*msg);
    EXPECT_EQ((*msg)->topic, "t/1");
    EXPECT_EQ((*msg)->payload.view(), "hello");
    // Nothing more: the deadline ends the wait without an error.
    auto none = c.receive(std::chrono::steady_clock::now() + 200ms);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    c.disconnect();

    std::this_thread::sleep_for(100ms);
    auto got = peer.received();
    ASSERT_GE(got.size(), 5u);
    auto& connect = std::get<mqtt::Connect>(got[0]);
    EXPECT_EQ(connect.client_id, "test");
    EXPECT_EQ(connect.username, "u");
    EXPECT_EQ(connect.password, "p");
    EXPECT_TRUE(std::get<mqtt::Publish>(got[1]).retain);
    // The QoS 1 delivery was acknowledged with its packet id.
    bool acked = false;
    for (auto& p : got)
        if (auto* r = std::get_if<mqtt::PubResponse>(&p); r && r->packet_id == 7) acked = true;
    EXPECT_TRUE(acked);
    EXPECT_TRUE(std::holds_alternative<mqtt::Disconnect>(got.back()));
}

TEST(CliMqttClient, RefusedConnect311) {
    Peer peer(mqtt::ProtocolVersion::v311, [](const mqtt::Packet& p, const Peer::Send& send) {
        if (std::holds_alternative<mqtt::Connect>(p))
            send(mqtt::Connack{false, mqtt::ReasonCode::BadUserNameOrPassword, {}});
    });
    MqttClient c;
    auto r = c.connect(options(peer));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "connection refused: bad user name or password (return code 4)");
    EXPECT_FALSE(c.connected());
}

TEST(CliMqttClient, RefusedConnect5AndPublish5) {
    Peer refusing(mqtt::ProtocolVersion::v5, [](const mqtt::Packet& p, const Peer::Send& send) {
        if (std::holds_alternative<mqtt::Connect>(p))
            send(mqtt::Connack{false, mqtt::ReasonCode::BadUserNameOrPassword, {}});
    });
    MqttClient c;
    auto r = c.connect(options(refusing, mqtt::ProtocolVersion::v5));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "connection refused: bad user name or password (0x86)");

    Peer strict(mqtt::ProtocolVersion::v5, [](const mqtt::Packet& p, const Peer::Send& send) {
        if (std::holds_alternative<mqtt::Connect>(p)) send(mqtt::Connack{});
        if (auto* pub = std::get_if<mqtt::Publish>(&p))
            send(mqtt::PubResponse{
                mqtt::PacketType::Puback, pub->packet_id, mqtt::ReasonCode::NotAuthorized, {}});
    });
    MqttClient c5;
    ASSERT_TRUE(c5.connect(options(strict, mqtt::ProtocolVersion::v5)));
    auto p = c5.publish("x", "y", mqtt::QoS::AtLeastOnce, false);
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().message, "publish refused: not authorized (0x87)");
}

TEST(CliMqttClient, RefusedSubscription) {
    Peer peer(mqtt::ProtocolVersion::v311, [](const mqtt::Packet& p, const Peer::Send& send) {
        if (std::holds_alternative<mqtt::Connect>(p)) send(mqtt::Connack{});
        if (auto* s = std::get_if<mqtt::Subscribe>(&p))
            send(mqtt::Suback{s->packet_id, {mqtt::ReasonCode::UnspecifiedError}, {}});
    });
    MqttClient c;
    ASSERT_TRUE(c.connect(options(peer)));
    auto r = c.subscribe("secret/#", mqtt::QoS::AtMostOnce);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("subscription to secret/# refused"), std::string::npos)
        << r.error().message;
}

TEST(CliMqttClient, KeepAliveSendsPingWhileWaiting) {
    Peer peer(mqtt::ProtocolVersion::v311, friendly);
    MqttClient c;
    auto o = options(peer);
    o.keep_alive_s = 1;
    ASSERT_TRUE(c.connect(o));
    auto none = c.receive(std::chrono::steady_clock::now() + 1300ms);
    ASSERT_TRUE(none) << none.error().message;
    std::size_t pings = 0;
    for (auto& p : peer.received()) pings += std::holds_alternative<mqtt::Pingreq>(p);
    EXPECT_GE(pings, 2u);
}

TEST(CliMqttClient, SilentServerTimesOut) {
    Peer peer(mqtt::ProtocolVersion::v311, [](const mqtt::Packet&, const Peer::Send&) {});
    MqttClient c;
    auto o = options(peer);
    o.timeout = 300ms;
    auto r = c.connect(o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "timed out waiting for CONNACK");
}

TEST(CliMqttClient, ClosedConnectionIsReported) {
    Peer peer(mqtt::ProtocolVersion::v311, friendly);
    MqttClient c;
    auto r = c.connect(options(peer));
    ASSERT_TRUE(r);
    MqttClient refused;
    auto o = options(peer);
    o.port = "1";  // nothing listens on loopback port 1
    auto e = refused.connect(o);
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("cannot connect to 127.0.0.1:1"), std::string::npos)
        << e.error().message;
}

}  // namespace
}  // namespace ts::app::cli
