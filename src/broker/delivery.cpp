// Moving messages through a session: the in-flight window, the queue behind
// it, acknowledgements, and resending after a reconnect.
#include <algorithm>

#include "broker/broker.hpp"
#include "broker/connection.hpp"
#include "core/log.hpp"

namespace ts::broker {

namespace {
const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("broker");
    return l;
}
bool expired(const Delivery& d, Millis now) {
    return d.msg->expiry_at != 0 && d.msg->expiry_at <= now;
}
}  // namespace

void Broker::deliver(Session& s, Delivery d) {
    std::lock_guard lock(s.mutex);
    if (s.ended) return;
    if (d.qos == mqtt::QoS::AtMostOnce) {
        // QoS 0 is not kept for an absent client (as most brokers do).
        if (s.conn) s.conn->send_publish(d, false);
        return;
    }
    d.seq = s.next_seq++;
    if (s.conn && s.queue.empty() && s.inflight.size() < s.send_window) {
        d.packet_id = s.allocate_packet_id();
        if (s.conn->send_publish(d, false)) s.inflight.push_back(std::move(d));
        return;
    }
    if (s.queue.size() >= config_.max_queued_messages) {
        auto n = count_dropped();
        if (config_.queue_overflow == QueueOverflow::DropNew) {
            if (n % 1000 == 1)
                logger()->warn(
                    "client={} queue full ({} messages): dropping the new message (drop-new); {} "
                    "dropped so far",
                    s.client_id, s.queue.size(), n);
            return;
        }
        Delivery& old = s.queue.front();
        if (old.persisted) store_.delete_message(s.client_id, old.seq);
        if (n % 1000 == 1)
            logger()->warn(
                "client={} queue full ({} messages): dropping the oldest message (drop-oldest); {} "
                "dropped so far",
                s.client_id, s.queue.size(), n);
        s.queue.pop_front();
    }
    s.queue.push_back(std::move(d));
    if (!s.conn && s.persistent()) persist_delivery_locked(s, s.queue.back());
}

void Broker::drain_locked(Session& s) {
    Millis now = clock_.now_ms();
    while (s.conn && !s.queue.empty() && s.inflight.size() < s.send_window) {
        Delivery d = std::move(s.queue.front());
        s.queue.pop_front();
        if (expired(d, now)) {
            if (d.persisted) store_.delete_message(s.client_id, d.seq);
            continue;
        }
        d.packet_id = s.allocate_packet_id();
        if (s.conn->send_publish(d, false)) {
            s.inflight.push_back(std::move(d));
        } else if (d.persisted) {
            store_.delete_message(s.client_id, d.seq);
        }
    }
}

void Broker::resume_locked(Session& s) {
    for (auto& d : s.inflight) {
        if (d.pubrel_pending)
            s.conn->send_pubrel(d.packet_id);
        else
            s.conn->send_publish(d, true);
    }
    drain_locked(s);
}

void Broker::acknowledge(Session& s, const mqtt::PubResponse& r) {
    std::lock_guard lock(s.mutex);
    auto it = std::find_if(s.inflight.begin(), s.inflight.end(),
                           [&](const Delivery& d) { return d.packet_id == r.packet_id; });
    if (it == s.inflight.end()) return;  // unknown id: nothing to do (spec allows ignoring)
    bool done = false;
    switch (r.type) {
        case mqtt::PacketType::Puback:
            done = it->qos == mqtt::QoS::AtLeastOnce;
            break;
        case mqtt::PacketType::Pubrec:
            if (it->qos != mqtt::QoS::ExactlyOnce) break;
            if (mqtt::is_error(r.reason)) {
                done = true;
            } else {
                it->pubrel_pending = true;
                if (s.conn) s.conn->send_pubrel(it->packet_id);
            }
            break;
        case mqtt::PacketType::Pubcomp:
            done = it->pubrel_pending;
            break;
        default:
            break;
    }
    if (!done) return;
    if (it->persisted) store_.delete_message(s.client_id, it->seq);
    s.inflight.erase(it);
    drain_locked(s);
}

}  // namespace ts::broker
