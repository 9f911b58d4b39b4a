#pragma once
// A bench subscriber: subscribes once connected, acknowledges QoS 1
// deliveries, and accounts for every message (per-publisher counts for loss,
// latency from the stamp while the window is open).
#include <string>

#include "app/bench/connection.hpp"
#include "app/bench/run_state.hpp"
#include "app/bench/stats.hpp"

namespace ts::app::bench {

class Subscriber final : public Connection::Handler {
public:
    Subscriber(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& broker,
               const boost::asio::ip::address& source, mqtt::Connect connect, std::string filter,
               mqtt::QoS qos, std::size_t publishers, std::size_t read_buffer, Control& control,
               WorkerCounters& counters);

    void start() { conn_.start(); }
    void close() { conn_.close(); }
    const SequenceTracker& tracker() const { return tracker_; }

    void on_connack(Connection& c) override;
    void on_suback(Connection& c, bool granted) override;
    void on_publish(Connection& c, const PublishView& p, Clock::time_point now) override;
    void on_failed(Connection& c, const std::string& why) override;

private:
    Connection conn_;
    std::string filter_;
    mqtt::QoS qos_;
    Control& control_;
    WorkerCounters& counters_;
    SequenceTracker tracker_;
    std::uint64_t unstamped_ = 0;
};

}  // namespace ts::app::bench
