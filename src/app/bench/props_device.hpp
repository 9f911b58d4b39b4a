#pragma once
// One signed-in device of the props scenario: subscribed to its post_reply
// topic as Alibaba's SDKs are, it posts property values and counts a post
// as stored when the platform's reply says code 200. Flat out it keeps
// `window` posts outstanding; paced, the worker's ticker asks for what
// --rate says is due, whether or not replies have come.
#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>

#include "app/bench/connection.hpp"
#include "app/bench/device_credentials.hpp"
#include "app/bench/options.hpp"
#include "app/bench/props_plan.hpp"
#include "app/bench/run_state.hpp"

namespace ts::app::bench {

// One worker thread's counts; the main thread reads the atomics for window
// snapshots (one writer each, see run_state.hpp).
struct PropsCounters {
    std::atomic<std::uint64_t> posts{0};    // sent
    std::atomic<std::uint64_t> stored{0};   // replies with code 200
    std::atomic<std::uint64_t> refused{0};  // replies with another code
    std::atomic<std::uint64_t> ready{0}, failures{0};
    LatencyHistogram latency;   // post to reply; owner thread only
    std::string first_failure;  // likewise
    std::string first_refusal;  // the first reply with code != 200, as sent
};

class PropsDevice final : public Connection::Handler {
public:
    PropsDevice(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& broker,
                const boost::asio::ip::address& source, mqtt::Connect connect,
                const DeviceCredential& device, const PropsPlan& plan, const BenchOptions& o,
                Control& control, PropsCounters& counters);

    void start() { conn_.start(); }
    void close() { conn_.close(); }
    // Paced mode: send what --rate says is due by `now`.
    void tick(Clock::time_point now);
    std::uint64_t sent() const { return seq_; }
    std::uint64_t answered() const { return answered_; }

    void on_connack(Connection& c) override;
    void on_suback(Connection& c, bool granted) override;
    void on_publish(Connection& c, const PublishView& p, Clock::time_point now) override;
    void on_drained(Connection& c) override;
    void on_failed(Connection& c, const std::string& why) override;

private:
    bool flat_out() const { return opts_.rate <= 0; }
    void send(std::uint64_t max, Clock::time_point now);
    // The send time of post `id`, removed from the outstanding list; 0 when
    // it is not outstanding (a duplicate, or not ours).
    std::uint64_t take_outstanding(std::uint64_t id);

    Connection conn_;
    const PropsPlan& plan_;
    const BenchOptions& opts_;
    Control& control_;
    PropsCounters& counters_;
    std::string post_topic_;
    std::string reply_topic_;
    mqtt::QoS qos_;
    std::string json_;  // the post being written, reused
    // (post id, send time): replies come back in order but for posts the
    // platform refuses at once, so the front is almost always the match.
    std::deque<std::pair<std::uint64_t, std::uint64_t>> outstanding_;
    bool ready_ = false;
    std::uint64_t seq_ = 0;
    std::uint64_t answered_ = 0;
    std::uint16_t last_packet_id_ = 0;
    Clock::time_point started_{};
    double phase_ = 0;  // of the period, for paced sending (pacing.hpp)
};

}  // namespace ts::app::bench
