#pragma once
// The device half of a p2p pair: subscribed to its request topic, it
// publishes every request's payload back, unchanged, on its reply topic.
// It keeps no state per request: the stamp in the payload carries all the
// backend needs to match the reply and time the round trip.
#include <string>

#include "app/bench/connection.hpp"
#include "app/bench/publish_template.hpp"
#include "app/bench/run_state.hpp"

namespace ts::app::bench {

class EchoDevice final : public Connection::Handler {
public:
    EchoDevice(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& broker,
               const boost::asio::ip::address& source, mqtt::Connect connect, std::size_t pair,
               mqtt::QoS qos, std::size_t payload_size, WorkerCounters& counters);

    void start() { conn_.start(); }
    void close() { conn_.close(); }

    void on_connack(Connection& c) override;
    void on_suback(Connection& c, bool granted) override;
    void on_publish(Connection& c, const PublishView& p, Clock::time_point now) override;
    void on_failed(Connection& c, const std::string& why) override;

private:
    Connection conn_;
    std::string request_topic_;
    std::string reply_topic_;
    mqtt::QoS qos_;
    PublishTemplate reply_;
    WorkerCounters& counters_;
    std::uint16_t last_packet_id_ = 0;
};

}  // namespace ts::app::bench
