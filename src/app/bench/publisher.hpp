#pragma once
// A bench publisher: one connection, one topic, QoS 0 or 1. Flat out it
// produces whenever its write queue has room (and, at QoS 1, its inflight
// window too), so it runs exactly as fast as the broker reads; paced, the
// worker's ticker asks it for what is due at --rate.
#include <cstdint>
#include <string>
#include <vector>

#include "app/bench/connection.hpp"
#include "app/bench/options.hpp"
#include "app/bench/run_state.hpp"

namespace ts::app::bench {

class Publisher final : public Connection::Handler {
public:
    Publisher(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& broker,
              const boost::asio::ip::address& source, mqtt::Connect connect, std::uint32_t id,
              const std::string& topic, const BenchOptions& o, Control& control,
              WorkerCounters& counters);

    void start() { conn_.start(); }
    void close() { conn_.close(); }
    // Paced mode: produce what --rate says is due by `now`.
    void tick(Clock::time_point now);
    std::uint64_t sent() const { return seq_; }
    std::uint32_t id() const { return id_; }

    void on_connack(Connection& c) override;
    void on_puback(Connection& c, std::uint16_t packet_id) override;
    void on_drained(Connection& c) override;
    void on_failed(Connection& c, const std::string& why) override;

private:
    void produce(std::uint64_t max, Clock::time_point now);
    void produce_flat_out();

    Connection conn_;
    const BenchOptions& opts_;
    Control& control_;
    WorkerCounters& counters_;
    std::uint32_t id_;
    bool qos1_;
    // The whole PUBLISH encoded once by the codec; each message is a copy
    // with its packet id and stamp patched in.
    std::vector<std::uint8_t> template_;
    std::size_t packet_id_at_ = 0;
    std::size_t stamp_at_ = 0;
    std::uint64_t seq_ = 0;
    std::size_t inflight_ = 0;
    std::uint16_t next_packet_id_ = 0;
    Clock::time_point started_{};
    double phase_ = 0;  // of the period, for paced sending (pacing.hpp)
};

}  // namespace ts::app::bench
