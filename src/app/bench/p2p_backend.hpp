#pragma once
// The backend half of a p2p pair: subscribed to its reply topic, it sends
// stamped requests on its request topic and times each reply against the
// stamp it carries back. Flat out it keeps `window` requests outstanding
// (1: ping-pong); paced, the worker's ticker asks for what --rate says is
// due, whether or not replies have come.
#include <cstdint>
#include <string>

#include "app/bench/connection.hpp"
#include "app/bench/options.hpp"
#include "app/bench/publish_template.hpp"
#include "app/bench/run_state.hpp"

namespace ts::app::bench {

class P2PBackend final : public Connection::Handler {
public:
    P2PBackend(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& broker,
               const boost::asio::ip::address& source, mqtt::Connect connect, std::uint32_t pair,
               std::size_t window, const BenchOptions& o, Control& control,
               WorkerCounters& counters);

    void start() { conn_.start(); }
    void close() { conn_.close(); }
    // Paced mode: send what --rate says is due by `now`.
    void tick(Clock::time_point now);
    std::uint64_t sent() const { return seq_; }
    std::uint64_t replied() const { return replied_; }

    void on_connack(Connection& c) override;
    void on_suback(Connection& c, bool granted) override;
    void on_publish(Connection& c, const PublishView& p, Clock::time_point now) override;
    void on_drained(Connection& c) override;
    void on_failed(Connection& c, const std::string& why) override;

private:
    bool flat_out() const { return opts_.rate <= 0; }
    void send(std::uint64_t max, Clock::time_point now);

    Connection conn_;
    const BenchOptions& opts_;
    Control& control_;
    WorkerCounters& counters_;
    std::uint32_t pair_;
    std::size_t window_;  // 0: no cap
    std::string reply_filter_;
    mqtt::QoS qos_;
    PublishTemplate request_;
    bool ready_ = false;  // subscribed to the replies
    std::uint64_t seq_ = 0;
    std::uint64_t replied_ = 0;
    std::uint64_t outstanding_ = 0;
    std::uint16_t last_packet_id_ = 0;
    Clock::time_point started_{};
    double phase_ = 0;  // of the period, for paced sending (pacing.hpp)
};

}  // namespace ts::app::bench
