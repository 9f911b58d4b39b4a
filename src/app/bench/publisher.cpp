#include "app/bench/publisher.hpp"

#include <algorithm>

#include "app/bench/pacing.hpp"
#include "app/bench/payload.hpp"
#include "mqtt/codec.hpp"

namespace ts::app::bench {

Publisher::Publisher(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& broker,
                     const boost::asio::ip::address& source, mqtt::Connect connect,
                     std::uint32_t id, const std::string& topic, const BenchOptions& o,
                     Control& control, WorkerCounters& counters)
    : conn_(ioc, *this, broker, source, std::move(connect), 4096),
      opts_(o),
      control_(control),
      counters_(counters),
      id_(id),
      qos1_(o.qos == 1) {
    mqtt::Publish p;
    p.qos = qos1_ ? mqtt::QoS::AtLeastOnce : mqtt::QoS::AtMostOnce;
    p.topic = topic;
    p.packet_id = qos1_ ? 1 : 0;
    const std::vector<std::uint8_t> zeros(std::max(o.payload_size, kStampSize), 0);
    p.payload = SharedBuffer::copy_of(zeros.data(), zeros.size());
    mqtt::encode(p, mqtt::ProtocolVersion::v311, template_);
    stamp_at_ = template_.size() - zeros.size();
    packet_id_at_ = stamp_at_ - 2;  // QoS 1 only: the id sits just before the payload
}

void Publisher::produce(std::uint64_t max, Clock::time_point now) {
    if (!conn_.connected() || conn_.closed()) return;
    if (control_.stop_publishing.load(std::memory_order_relaxed)) return;
    auto& out = conn_.out();
    const auto ns = steady_ns(now);
    std::uint64_t n = 0;
    // Only the batch being prepared counts against the bound; one more may
    // be in flight, so the socket never waits for the generator.
    while (n < max && out.size() < opts_.queue_bytes && (!qos1_ || inflight_ < opts_.inflight)) {
        const auto at = out.size();
        out.insert(out.end(), template_.begin(), template_.end());
        if (qos1_) {
            if (++next_packet_id_ == 0) next_packet_id_ = 1;
            out[at + packet_id_at_] = static_cast<std::uint8_t>(next_packet_id_ >> 8);
            out[at + packet_id_at_ + 1] = static_cast<std::uint8_t>(next_packet_id_ & 0xFF);
            ++inflight_;
        }
        write_stamp(out.data() + at + stamp_at_, Stamp{ns, id_, seq_++});
        ++n;
    }
    if (n > 0) bump(counters_.sent, n);
}

void Publisher::produce_flat_out() {
    const auto now = Clock::now();
    produce(~std::uint64_t{0}, now);
    conn_.flush();
    // If that started a write, prepare the next batch behind it.
    produce(~std::uint64_t{0}, now);
}

void Publisher::tick(Clock::time_point now) {
    if (opts_.rate <= 0 || !conn_.connected()) return;
    const double elapsed = std::chrono::duration<double>(now - started_).count();
    const auto due = paced_due(elapsed, opts_.rate, phase_);
    if (due <= seq_) return;
    // Stamped when written, not at the tick: the clients before this one in
    // the tick have written meanwhile, and that wait is the generator's.
    produce(due - seq_, Clock::now());
    conn_.flush();
}

void Publisher::on_connack(Connection&) {
    started_ = Clock::now();
    phase_ = next_pacing_phase();
    bump(counters_.publishers_ready);
    if (opts_.rate <= 0) produce_flat_out();
}

void Publisher::on_puback(Connection&, std::uint16_t) {
    if (inflight_ > 0) --inflight_;
    bump(counters_.acked);
    if (opts_.rate <= 0) produce_flat_out();
}

void Publisher::on_drained(Connection&) {
    if (opts_.rate <= 0) produce_flat_out();
}

void Publisher::on_failed(Connection&, const std::string& why) {
    bump(counters_.failures);
    if (counters_.first_failure.empty()) counters_.first_failure = "publisher: " + why;
}

}  // namespace ts::app::bench
