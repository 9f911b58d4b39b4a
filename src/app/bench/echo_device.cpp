#include "app/bench/echo_device.hpp"

#include <algorithm>

#include "app/bench/p2p_plan.hpp"
#include "mqtt/codec.hpp"

namespace ts::app::bench {

EchoDevice::EchoDevice(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& broker,
                       const boost::asio::ip::address& source, mqtt::Connect connect,
                       std::size_t pair, mqtt::QoS qos, std::size_t payload_size,
                       WorkerCounters& counters)
    : conn_(ioc, *this, broker, source, std::move(connect), 16 * 1024),
      request_topic_(p2p_request_topic(pair)),
      reply_topic_(p2p_reply_topic(pair)),
      qos_(qos),
      reply_(reply_topic_, qos, payload_size),
      counters_(counters) {}

void EchoDevice::on_connack(Connection& c) {
    c.subscribe(request_topic_, qos_);
}

void EchoDevice::on_suback(Connection& c, bool granted) {
    if (granted) {
        bump(counters_.subscribers_ready);
        return;
    }
    c.close();
    on_failed(c, "subscription to " + request_topic_ + " refused");
}

void EchoDevice::on_publish(Connection& c, const PublishView& p, Clock::time_point) {
    auto& out = c.out();
    if (p.qos == 1) append_puback(out, p.packet_id);
    const std::uint16_t id = qos_ == mqtt::QoS::AtLeastOnce ? next_packet_id(last_packet_id_) : 0;
    if (p.payload.size() == reply_.payload_size()) {
        const auto at = reply_.append(out, id);
        std::copy(p.payload.begin(), p.payload.end(),
                  out.begin() + static_cast<std::ptrdiff_t>(at));
    } else {
        // Not a request this generator sent; echo it all the same, the slow way.
        mqtt::Publish reply;
        reply.qos = qos_;
        reply.topic = reply_topic_;
        reply.packet_id = id;
        reply.payload = SharedBuffer::copy_of(p.payload.data(), p.payload.size());
        mqtt::encode(reply, mqtt::ProtocolVersion::v311, out);
    }
    c.flush();
}

void EchoDevice::on_failed(Connection&, const std::string& why) {
    bump(counters_.failures);
    if (counters_.first_failure.empty()) counters_.first_failure = "device: " + why;
}

}  // namespace ts::app::bench
