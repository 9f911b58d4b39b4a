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

// The client whose PUBLISH is being routed on this thread, if any.
thread_local Connection* current_publisher = nullptr;

// A publisher can be paused for `s` when it is a client other than the
// session's own (a client waiting on itself would never read the
// acknowledgements that drain its queue) and `s` is online (an offline
// session drains only when its client returns: its queue keeps the drop
// policy instead of stalling publishers for hours).
Connection* pausable_publisher(const Session& s) {
    Connection* p = current_publisher;
    if (!p || !s.conn || p->session().get() == &s || p->closed()) return nullptr;
    return p;
}
}  // namespace

Broker::PublisherScope::PublisherScope(Connection* c) : previous_(current_publisher) {
    current_publisher = c;
}
Broker::PublisherScope::~PublisherScope() {
    current_publisher = previous_;
}

void Broker::take_sinks(const Message& msg, std::vector<Match>& matches,
                        std::vector<std::shared_ptr<MessageSink>>& sinks) {
    auto is_sink = [](const Match& m) { return m.sink != nullptr; };
    if (!msg.from_rule)
        for (const auto& m : matches)
            if (m.sink) sinks.push_back(m.sink);
    std::erase_if(matches, is_sink);
}

// The publisher, when the message comes from a client's PUBLISH, is the
// connection in the current PublisherScope on this thread.
void Broker::feed_sinks(const Message& msg,
                        const std::vector<std::shared_ptr<MessageSink>>& sinks) {
    const Connection* p = current_publisher;
    const ClientIdentity* who = p && p->identity() ? p->identity().get() : nullptr;
    std::string_view ip =
        p ? std::string_view(p->transport().remote_address()) : std::string_view();
    for (const auto& s : sinks) s->on_message(msg, who, ip);
}

// Backpressure. Every QoS 1/2 delivery from a client's PUBLISH checks the
// target session's queue against its high-water mark (max_queued_messages);
// at it, the client is paused (its reads stop after this packet) and waits
// on that session, which resumes it once the queue is at or below the
// low-water mark (half of it, after its client's acknowledgements), or when
// it goes offline, ends or is taken over. The marks were half and a quarter
// of max_queued_messages: with the default of 1,000, a subscriber consuming
// flat out paused and resumed its publishers every 250 messages, and QoS 1
// fan-in ran at 323,000 msg/s against 394,000-479,000 with a queue of 4,000
// (docs/benchmarks.md). An online session now holds up to the bound an
// offline one always had.
//
// QoS 1/2 to an online session are therefore never dropped when they come
// from a client that can be paused: the queue may exceed max_queued_messages
// by what each publisher sends before its pause takes effect (the rest of
// its run, below), which keeps it bounded by the number of publishers. The
// drop policy (queue_overflow) still applies to offline sessions and to
// messages with no client to pause (wills, platform messages, retained
// messages on subscribe, a client publishing to itself). QoS 0 pauses nobody: it is
// dropped past max_pending_output, so a client that stops reading cannot
// hold up publishers that never asked for more than at most once.
bool Broker::over_high_water_locked(const Session& s) const {
    return s.queue.size() >= std::max<std::size_t>(1, config_.max_queued_messages);
}

void Broker::pause_publisher_locked(Session& s) {
    Connection* p = pausable_publisher(s);
    if (!p || !p->pause_reading()) return;  // already waiting on another session
    if (!s.paused_publishers)
        s.paused_publishers = std::make_unique<std::vector<std::weak_ptr<Connection>>>();
    s.paused_publishers->push_back(p->weak_from_this());
}

void Broker::maybe_resume_locked(Session& s) {
    if (!s.paused_publishers || s.paused_publishers->empty()) return;
    if (s.queue.size() > config_.max_queued_messages / 2) return;
    resume_all_locked(s);
}

void Broker::resume_all_locked(Session& s) {
    if (!s.paused_publishers || s.paused_publishers->empty()) return;
    auto waiting = std::move(*s.paused_publishers);
    s.paused_publishers->clear();
    for (auto& w : waiting)
        if (auto c = w.lock()) Connection::resume_reading(std::move(c));
}

void Broker::deliver(Session& s, Delivery d) {
    std::lock_guard lock(s.mutex);
    deliver_locked(s, std::move(d));
}

// Runs of deliveries. A QoS 1 fan-in flat out sends every message of 100
// publishers on both workers into one subscriber's session: one lock of
// that session per message, taken by both threads in turn, was the
// broker's most contended lock (docs/benchmarks.md, "QoS 1: deliveries in
// runs"). While a connection's packets are handled, the messages it sends
// to one other session are collected and queued under one lock, in the
// order sent. The run ends at another target, at kDeliveryRun messages, at
// a packet that is not a PUBLISH and when the read's packets are handled;
// a publisher paused by the run stops at the next packet, so a session's
// queue may pass max_queued_messages by up to kDeliveryRun messages per
// publisher (instead of one).
namespace {
struct DeliveryRun {
    int scopes = 0;  // RunScopes open on this thread
    SessionPtr session;
    Connection* publisher = nullptr;
    std::vector<Delivery> items;
};
thread_local DeliveryRun delivery_run;
}  // namespace

Broker::RunScope::RunScope(Broker& b) : broker_(b) {
    ++delivery_run.scopes;
}
Broker::RunScope::~RunScope() {
    if (--delivery_run.scopes == 0) broker_.end_run();
}

void Broker::deliver_routed(const SessionPtr& s, Delivery&& d, bool alone) {
    auto& run = delivery_run;
    // Only a message with one target from a client's PUBLISH joins a run; a
    // client's messages to its own session are never batched (they are not
    // held back by its own queue, and keep their place before its PUBACK).
    Connection* p = current_publisher;
    if (run.scopes == 0 || !alone || !p || p->session().get() == s.get()) {
        end_run();  // what this client sent before goes first
        deliver(*s, std::move(d));
        return;
    }
    if (!run.items.empty() &&
        (run.session != s || run.publisher != p || run.items.size() >= kDeliveryRun))
        end_run();
    if (run.items.empty()) {
        run.session = s;
        run.publisher = p;
    }
    run.items.push_back(std::move(d));
}

void Broker::end_run() {
    auto& run = delivery_run;
    if (run.items.empty()) return;
    SessionPtr s = std::move(run.session);  // leaves run.session empty
    {
        // Over-full, the session pauses the run's publisher, as each message
        // would have on its own.
        PublisherScope scope(run.publisher);
        std::lock_guard lock(s->mutex);
        for (auto& d : run.items) deliver_locked(*s, std::move(d));
    }
    run.items.clear();
    run.publisher = nullptr;
}

void Broker::deliver_locked(Session& s, Delivery&& d) {
    if (s.ended) return;
    if (d.qos == mqtt::QoS::AtMostOnce) {
        // QoS 0 is not kept for an absent client (as most brokers do).
        if (s.conn) s.conn->send_publish(d, false);
        return;
    }
    d.seq = s.next_seq++;
    if (s.conn && s.queue.empty() && s.inflight.size() < s.send_window) {
        s.allocate_packet_id(d);
        if (s.conn->send_publish(d, false)) s.inflight.push_back(std::move(d));
        return;
    }
    if (s.queue.size() >= config_.max_queued_messages && !pausable_publisher(s)) {
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
    if (over_high_water_locked(s)) pause_publisher_locked(s);
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
        s.allocate_packet_id(d);
        if (s.conn->send_publish(d, false)) {
            s.inflight.push_back(std::move(d));
        } else if (d.persisted) {
            store_.delete_message(s.client_id, d.seq);
        }
    }
    maybe_resume_locked(s);
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

void Broker::acknowledge(Session& s, std::span<const Ack> acks) {
    std::lock_guard lock(s.mutex);
    bool any_done = false;
    for (const auto& r : acks) any_done = acknowledge_locked(s, r) || any_done;
    if (any_done) drain_locked(s);
}

bool Broker::acknowledge_locked(Session& s, const Ack& r) {
    // Acknowledgements come in send order as a rule: the search ends at once.
    auto it = std::find_if(s.inflight.begin(), s.inflight.end(),
                           [&](const Delivery& d) { return d.packet_id == r.packet_id; });
    if (it == s.inflight.end()) return false;  // unknown id: nothing to do (spec allows ignoring)
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
    if (!done) return false;
    if (it->persisted) store_.delete_message(s.client_id, it->seq);
    s.inflight.erase(it);
    return true;
}

}  // namespace ts::broker
