#include "app/bench/p2p_backend.hpp"

#include "app/bench/p2p_plan.hpp"
#include "app/bench/pacing.hpp"
#include "app/bench/payload.hpp"

namespace ts::app::bench {

P2PBackend::P2PBackend(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& broker,
                       const boost::asio::ip::address& source, mqtt::Connect connect,
                       std::uint32_t pair, std::size_t window, const BenchOptions& o,
                       Control& control, WorkerCounters& counters)
    : conn_(ioc, *this, broker, source, std::move(connect), 16 * 1024),
      opts_(o),
      control_(control),
      counters_(counters),
      pair_(pair),
      window_(window),
      reply_filter_(p2p_reply_topic(pair)),
      qos_(o.qos == 1 ? mqtt::QoS::AtLeastOnce : mqtt::QoS::AtMostOnce),
      request_(p2p_request_topic(pair), qos_, o.payload_size) {}

void P2PBackend::send(std::uint64_t max, Clock::time_point now) {
    if (!ready_ || conn_.closed()) return;
    if (control_.stop_publishing.load(std::memory_order_relaxed)) return;
    auto& out = conn_.out();
    const auto ns = steady_ns(now);
    std::uint64_t n = 0;
    while (n < max && out.size() < opts_.queue_bytes && (window_ == 0 || outstanding_ < window_)) {
        const std::uint16_t id =
            qos_ == mqtt::QoS::AtLeastOnce ? next_packet_id(last_packet_id_) : 0;
        const auto at = request_.append(out, id);
        write_stamp(out.data() + at, Stamp{ns, pair_, seq_++});
        ++outstanding_;
        ++n;
    }
    if (n > 0) {
        bump(counters_.sent, n);
        conn_.flush();
    }
}

void P2PBackend::tick(Clock::time_point now) {
    if (flat_out() || !ready_) return;
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    const auto due = paced_due(elapsed, opts_.rate, phase_);
    // Stamped when written, not at the tick (see Publisher::tick).
    if (due > seq_) send(due - seq_, Clock::now());
}

void P2PBackend::on_connack(Connection& c) {
    c.subscribe(reply_filter_, qos_);
}

void P2PBackend::on_suback(Connection& c, bool granted) {
    if (!granted) {
        c.close();
        on_failed(c, "subscription to " + reply_filter_ + " refused");
        return;
    }
    ready_ = true;
    started_ = Clock::now();
    phase_ = next_pacing_phase();
    bump(counters_.publishers_ready);
    if (flat_out()) send(~std::uint64_t{0}, started_);
}

void P2PBackend::on_publish(Connection& c, const PublishView& p, Clock::time_point now) {
    if (p.qos == 1) {
        append_puback(c.out(), p.packet_id);
        c.flush();
    }
    const auto stamp = read_stamp(p.payload);
    // A reply to another pair's request would mean the broker misrouted it:
    // not ours to count.
    if (!stamp || stamp->publisher != pair_) return;
    ++replied_;
    if (outstanding_ > 0) --outstanding_;
    bump(counters_.received);
    if (control_.measuring.load(std::memory_order_relaxed)) {
        const auto at = steady_ns(now);
        counters_.latency.record(at > stamp->sent_ns ? at - stamp->sent_ns : 0);
    }
    if (flat_out()) send(~std::uint64_t{0}, now);
}

void P2PBackend::on_drained(Connection&) {
    if (flat_out()) send(~std::uint64_t{0}, Clock::now());
}

void P2PBackend::on_failed(Connection&, const std::string& why) {
    bump(counters_.failures);
    if (counters_.first_failure.empty()) counters_.first_failure = "backend: " + why;
}

}  // namespace ts::app::bench
