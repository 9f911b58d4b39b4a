// The broker with its event-loop threads and its TCP listener, and clients
// on real sockets in threads of their own: the paths where threads meet
// (deliveries between workers, takeovers, backpressure), for the
// ThreadSanitizer build to watch. Asserts what clients rely on; never timing.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "broker/broker.hpp"
#include "net/listener.hpp"
#include "store/broker_state.hpp"
#include "support/broker_harness.hpp"
#include "support/socket_client.hpp"

namespace ts::broker::testing {
namespace {

using mqtt::PacketType;
using mqtt::ProtocolVersion;
using mqtt::QoS;

class ThreadedBroker {
public:
    explicit ThreadedBroker(BrokerConfig cfg = {}) : store_(store::make_null_broker_state()) {
        cfg.allow_anonymous = true;  // no authenticator: every client is anonymous
        broker_ = std::make_unique<Broker>(std::move(cfg), clock_, *store_);
        broker_->start(2);
        net::ListenerOptions o;
        o.bind_address = "127.0.0.1";
        auto l = net::Listener::start(broker_->contexts(), o,
                                      [this](std::size_t i, std::unique_ptr<net::Transport> t) {
                                          broker_->accept(i, std::move(t));
                                      });
        if (!l) throw std::runtime_error(l.error().message);
        listener_ = std::move(*l);
    }
    ~ThreadedBroker() {
        listener_->stop();
        broker_->stop();
    }
    std::uint16_t port() const { return listener_->port(); }

private:
    SystemClock clock_;
    std::unique_ptr<store::BrokerStateStore> store_;
    std::unique_ptr<Broker> broker_;
    std::unique_ptr<net::Listener> listener_;
};

mqtt::Connect connect_packet(std::string id, bool clean = true) {
    auto c = make_connect(std::move(id));
    c.clean_start = clean;
    return c;
}

void subscribe(SocketClient& c, std::string filter, QoS qos) {
    mqtt::Subscribe s;
    s.packet_id = 1;
    s.topics.push_back({std::move(filter), {.max_qos = qos}});
    c.send(s);
    auto ack = c.read();
    ASSERT_TRUE(ack && std::holds_alternative<mqtt::Suback>(*ack));
}

TEST(BrokerThreads, FanInFromPublisherThreadsArrivesWholeAndInOrderPerPublisher) {
    BrokerConfig cfg;
    cfg.max_inflight = 16;
    cfg.max_queued_messages = 64;  // small: publishers get paused and resumed
    ThreadedBroker b(cfg);
    SocketClient sub(b.port());
    ASSERT_EQ(sub.connect(connect_packet("sub")), 0);
    subscribe(sub, "in/#", QoS::AtLeastOnce);

    constexpr int kPublishers = 4;
    constexpr int kMessages = 400;
    std::atomic<int> acked{0};
    std::vector<std::thread> publishers;
    for (int t = 0; t < kPublishers; ++t) {
        publishers.emplace_back([&, t] {
            SocketClient pub(b.port());
            if (pub.connect(connect_packet("pub" + std::to_string(t))) != 0) return;
            for (int i = 1; i <= kMessages; ++i)
                pub.send(make_publish("in/" + std::to_string(t), std::to_string(i),
                                      QoS::AtLeastOnce, static_cast<std::uint16_t>(i)));
            for (int i = 0; i < kMessages; ++i) {
                auto p = pub.read();
                if (!p) return;
                if (std::holds_alternative<mqtt::PubResponse>(*p)) ++acked;
            }
        });
    }
    std::vector<int> last(kPublishers, 0);
    int received = 0;
    bool in_order = true;
    while (received < kPublishers * kMessages) {
        auto p = sub.read();
        if (!p) break;
        auto* pub = std::get_if<mqtt::Publish>(&*p);
        if (!pub) continue;
        const int from = pub->topic.back() - '0';
        const int n = std::stoi(std::string(pub->payload.view()));
        in_order = in_order && n == last[from] + 1;
        last[from] = n;
        ++received;
        sub.send(mqtt::PubResponse{PacketType::Puback, pub->packet_id, {}, {}});
    }
    for (auto& t : publishers) t.join();
    EXPECT_EQ(received, kPublishers * kMessages);
    EXPECT_TRUE(in_order);
    EXPECT_EQ(acked.load(), kPublishers * kMessages);
}

TEST(BrokerThreads, TakeoversFromManyThreadsLeaveOneSession) {
    ThreadedBroker b;
    constexpr int kThreads = 4;
    constexpr int kRounds = 25;
    std::vector<std::thread> threads;
    std::atomic<int> accepted{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int r = 0; r < kRounds; ++r) {
                SocketClient c(b.port());
                if (c.connect(connect_packet("same", false)) != 0) continue;
                ++accepted;
                // QoS 2 in flight on the session while others take it over.
                c.send(make_publish("x/" + std::to_string(t), "v", QoS::ExactlyOnce,
                                    static_cast<std::uint16_t>(r + 1)));
                if (r % 2)
                    c.send(mqtt::PubResponse{
                        PacketType::Pubrel, static_cast<std::uint16_t>(r + 1), {}, {}});
                c.read(5);
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(accepted.load(), kThreads * kRounds);
    SocketClient last(b.port());
    bool present = false;
    ASSERT_EQ(last.connect(connect_packet("same", false), &present), 0);
    EXPECT_TRUE(present);
}

TEST(BrokerThreads, SubscribersComeAndGoWhileMessagesFlow) {
    ThreadedBroker b;
    std::atomic<bool> done{false};
    std::thread churn([&] {
        for (int i = 0; i < 40; ++i) {
            SocketClient s(b.port());
            if (s.connect(connect_packet("churn" + std::to_string(i % 4))) != 0) continue;
            subscribe(s, "flow/#", QoS::AtLeastOnce);
            s.read(5);
        }
        done = true;
    });
    struct Joiner {
        std::thread& t;
        ~Joiner() {
            if (t.joinable()) t.join();
        }
    } joiner{churn};
    SocketClient steady(b.port());
    ASSERT_EQ(steady.connect(connect_packet("steady")), 0);
    subscribe(steady, "flow/#", QoS::AtMostOnce);
    SocketClient pub(b.port());
    ASSERT_EQ(pub.connect(connect_packet("pub")), 0);
    int sent = 0;
    while (!done && sent < 20'000) {
        pub.send(make_publish("flow/a", "m", QoS::AtMostOnce, 0));
        ++sent;
    }
    churn.join();
    pub.send(make_publish("flow/end", "end", QoS::AtMostOnce, 0));
    bool ended = false;
    while (auto p = steady.read()) {
        if (auto* m = std::get_if<mqtt::Publish>(&*p); m && m->topic == "flow/end") {
            ended = true;
            break;
        }
    }
    EXPECT_TRUE(ended);
}

}  // namespace
}  // namespace ts::broker::testing
