#include "app/bench/subscriber.hpp"

#include "app/bench/payload.hpp"

namespace ts::app::bench {

Subscriber::Subscriber(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& broker,
                       const boost::asio::ip::address& source, mqtt::Connect connect,
                       std::string filter, mqtt::QoS qos, std::size_t publishers,
                       std::size_t read_buffer, Control& control, WorkerCounters& counters)
    : conn_(ioc, *this, broker, source, std::move(connect), read_buffer),
      filter_(std::move(filter)),
      qos_(qos),
      control_(control),
      counters_(counters),
      tracker_(publishers) {}

void Subscriber::on_connack(Connection& c) {
    c.subscribe(filter_, qos_);
}

void Subscriber::on_suback(Connection& c, bool granted) {
    if (granted) {
        bump(counters_.subscribers_ready);
        return;
    }
    c.close();
    on_failed(c, "subscription to " + filter_ + " refused");
}

void Subscriber::on_publish(Connection& c, const PublishView& p, Clock::time_point now) {
    if (p.qos == 1) {
        auto& out = c.out();
        out.push_back(0x40);
        out.push_back(0x02);
        out.push_back(static_cast<std::uint8_t>(p.packet_id >> 8));
        out.push_back(static_cast<std::uint8_t>(p.packet_id & 0xFF));
        c.flush();
    }
    bump(counters_.received);
    const auto stamp = read_stamp(p.payload);
    if (!stamp) {
        ++unstamped_;
        return;
    }
    tracker_.record(stamp->publisher, stamp->seq);
    if (control_.measuring.load(std::memory_order_relaxed)) {
        const auto at = steady_ns(now);
        counters_.latency.record(at > stamp->sent_ns ? at - stamp->sent_ns : 0);
    }
}

void Subscriber::on_failed(Connection&, const std::string& why) {
    bump(counters_.failures);
    if (counters_.first_failure.empty()) counters_.first_failure = "subscriber: " + why;
}

}  // namespace ts::app::bench
