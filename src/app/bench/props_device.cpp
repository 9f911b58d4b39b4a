#include "app/bench/props_device.hpp"

#include "app/bench/pacing.hpp"
#include "app/bench/props_payload.hpp"
#include "app/bench/publish_template.hpp"

namespace ts::app::bench {

PropsDevice::PropsDevice(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& broker,
                         const boost::asio::ip::address& source, mqtt::Connect connect,
                         const DeviceCredential& device, const PropsPlan& plan,
                         const BenchOptions& o, Control& control, PropsCounters& counters)
    : conn_(ioc, *this, broker, source, std::move(connect), 16 * 1024),
      plan_(plan),
      opts_(o),
      control_(control),
      counters_(counters),
      post_topic_(property_post_topic(device.product_key, device.device_name)),
      reply_topic_(property_post_reply_topic(device.product_key, device.device_name)),
      qos_(o.qos == 1 ? mqtt::QoS::AtLeastOnce : mqtt::QoS::AtMostOnce) {}

void PropsDevice::send(std::uint64_t max, Clock::time_point now) {
    if (!ready_ || conn_.closed()) return;
    if (control_.stop_publishing.load(std::memory_order_relaxed)) return;
    auto& out = conn_.out();
    const auto ns = steady_ns(now);
    std::uint64_t n = 0;
    while (n < max && out.size() < opts_.queue_bytes &&
           (plan_.window == 0 || outstanding_.size() < plan_.window)) {
        // Ids start at 1: a reply's id 0 would be indistinguishable from none.
        const auto id = ++seq_;
        property_post_json(json_, id, plan_.properties);
        const std::uint16_t packet_id =
            qos_ == mqtt::QoS::AtLeastOnce ? next_packet_id(last_packet_id_) : 0;
        append_publish(out, post_topic_, packet_id, json_);
        outstanding_.emplace_back(id, ns);
        ++n;
    }
    if (n > 0) {
        bump(counters_.posts, n);
        conn_.flush();
    }
}

std::uint64_t PropsDevice::take_outstanding(std::uint64_t id) {
    for (auto it = outstanding_.begin(); it != outstanding_.end(); ++it) {
        if (it->first != id) continue;
        const auto sent_ns = it->second;
        outstanding_.erase(it);
        return sent_ns;
    }
    return 0;
}

void PropsDevice::tick(Clock::time_point now) {
    if (flat_out() || !ready_) return;
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    const auto due = paced_due(elapsed, opts_.rate, phase_);
    // Stamped when written, not at the tick (see Publisher::tick).
    if (due > seq_) send(due - seq_, Clock::now());
}

void PropsDevice::on_connack(Connection& c) {
    c.subscribe(reply_topic_, qos_);
}

void PropsDevice::on_suback(Connection& c, bool granted) {
    if (!granted) {
        c.close();
        on_failed(c, "subscription to " + reply_topic_ + " refused");
        return;
    }
    ready_ = true;
    started_ = Clock::now();
    phase_ = next_pacing_phase();
    bump(counters_.ready);
    if (flat_out()) send(~std::uint64_t{0}, started_);
}

void PropsDevice::on_publish(Connection& c, const PublishView& p, Clock::time_point now) {
    if (p.qos == 1) {
        append_puback(c.out(), p.packet_id);
        c.flush();
    }
    if (p.topic != reply_topic_) return;  // other downlinks are not this bench's business
    const std::string_view text(reinterpret_cast<const char*>(p.payload.data()), p.payload.size());
    const auto reply = parse_post_reply(text);
    if (!reply) return;
    const auto sent_ns = take_outstanding(reply->id);
    if (sent_ns == 0) return;
    ++answered_;
    if (reply->code == 200) {
        bump(counters_.stored);
    } else {
        bump(counters_.refused);
        if (counters_.first_refusal.empty()) counters_.first_refusal = std::string(text);
    }
    if (control_.measuring.load(std::memory_order_relaxed)) {
        const auto at = steady_ns(now);
        counters_.latency.record(at > sent_ns ? at - sent_ns : 0);
    }
    if (flat_out()) send(~std::uint64_t{0}, now);
}

void PropsDevice::on_drained(Connection&) {
    if (flat_out()) send(~std::uint64_t{0}, Clock::now());
}

void PropsDevice::on_failed(Connection&, const std::string& why) {
    bump(counters_.failures);
    if (counters_.first_failure.empty()) counters_.first_failure = "device: " + why;
}

}  // namespace ts::app::bench
