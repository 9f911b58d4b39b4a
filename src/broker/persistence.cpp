// Saving sessions and retained messages through the store, and loading them
// back at startup.
#include "broker/persistence.hpp"

#include "broker/broker.hpp"
#include "broker/topic.hpp"
#include "core/log.hpp"
#include "mqtt/codec.hpp"

namespace ts::broker {

namespace {
// The blob is a 5.0 PUBLISH carrying the properties, so the codec that
// already validates properties on the wire also reads them back.
constexpr std::string_view kBlobTopic = "p";
}  // namespace

std::string encode_properties(const mqtt::Properties* p) {
    if (!p) return {};
    mqtt::Publish pub;
    pub.topic = std::string(kBlobTopic);
    pub.properties = *p;
    std::vector<std::uint8_t> out;
    mqtt::encode(pub, mqtt::ProtocolVersion::v5, out);
    return std::string(out.begin(), out.end());
}

std::shared_ptr<const mqtt::Properties> decode_properties(const std::string& blob) {
    if (blob.empty()) return nullptr;
    auto decoded = mqtt::decode({reinterpret_cast<const std::uint8_t*>(blob.data()), blob.size()},
                                mqtt::ProtocolVersion::v5);
    if (!decoded) return nullptr;
    auto* pub = std::get_if<mqtt::Publish>(&*decoded);
    if (!pub) return nullptr;
    return std::make_shared<const mqtt::Properties>(std::move(pub->properties));
}

void Broker::persist_session_locked(Session& s) {
    store::SessionRecord r;
    r.client_id = s.client_id;
    r.expiry_interval_s = s.expiry_interval_s;
    r.disconnected_wall_ms = s.conn ? 0 : clock_.wall_ms() - (clock_.now_ms() - s.disconnected_at);
    r.protocol_version = static_cast<std::uint8_t>(s.version);
    store_.put_session(std::move(r));
}

void Broker::persist_delivery_locked(Session& s, Delivery& d) {
    if (d.persisted || d.qos == mqtt::QoS::AtMostOnce) return;
    const Message& m = *d.msg;
    store::QueuedMessageRecord r;
    r.client_id = s.client_id;
    r.seq = d.seq;
    r.topic = m.topic;
    r.payload = std::string(m.payload.view());
    r.qos = static_cast<std::uint8_t>(d.qos);
    r.retain = d.retain;
    r.properties = encode_properties(m.properties.get());
    r.expiry_wall_ms = m.expiry_at ? clock_.wall_ms() + (m.expiry_at - clock_.now_ms()) : 0;
    r.packet_id = d.packet_id;
    r.pubrel_pending = d.pubrel_pending;
    store_.put_message(std::move(r));
    d.persisted = true;
}

Expected<void, Error> Broker::load() {
    auto snap = store_.load();
    if (!snap) return unexpected(snap.error());
    const Millis now = clock_.now_ms();
    const Millis wall = clock_.wall_ms();
    auto to_mono = [&](std::int64_t w) { return w == 0 ? Millis{0} : now + (w - wall); };

    for (auto& r : snap->retained) {
        auto m = std::make_shared<Message>();
        m->topic = std::move(r.topic);
        m->payload = SharedBuffer::copy_of(r.payload);
        m->qos = static_cast<mqtt::QoS>(r.qos);
        m->retain = true;
        m->properties = decode_properties(r.properties);
        m->expiry_at = to_mono(r.expiry_wall_ms);
        if (m->expiry_at != 0 && m->expiry_at <= now) {
            store_.delete_retained(m->topic);
            continue;
        }
        retained_.set(m);
    }
    std::lock_guard reg(sessions_mutex_);
    for (auto& r : snap->sessions) {
        auto s = std::make_shared<Session>(r.client_id);
        s->expiry_interval_s = r.expiry_interval_s;
        s->version = static_cast<mqtt::ProtocolVersion>(r.protocol_version);
        // A session that was connected when the server stopped counts as
        // disconnected from the restart on.
        s->disconnected_at = r.disconnected_wall_ms ? to_mono(r.disconnected_wall_ms) : now;
        put_session_locked(s);
        offline_.insert(s);
    }
    for (auto& r : snap->subscriptions) {
        auto it = sessions_.find(r.client_id);
        if (it == sessions_.end()) continue;
        mqtt::SubscriptionOptions o;
        o.max_qos = static_cast<mqtt::QoS>(r.options & 0x03);
        o.no_local = r.options & 0x04;
        o.retain_as_published = r.options & 0x08;
        o.retain_handling = static_cast<mqtt::RetainHandling>((r.options >> 4) & 0x03);
        it->second->subscriptions[r.filter] = {o, r.subscription_id};
        auto shared = parse_shared(r.filter);
        index_.add(shared ? shared->filter : r.filter, shared ? shared->group : std::string(),
                   Subscriber{it->second, o, r.subscription_id, nullptr});
    }
    for (auto& r : snap->messages) {
        auto it = sessions_.find(r.client_id);
        if (it == sessions_.end()) continue;
        Session& s = *it->second;
        auto m = std::make_shared<Message>();
        m->topic = std::move(r.topic);
        m->payload = SharedBuffer::copy_of(r.payload);
        m->qos = static_cast<mqtt::QoS>(r.qos);
        m->retain = r.retain;
        m->properties = decode_properties(r.properties);
        m->expiry_at = to_mono(r.expiry_wall_ms);
        Delivery d;
        d.msg = std::move(m);
        d.qos = static_cast<mqtt::QoS>(r.qos);
        d.retain = r.retain;
        d.seq = r.seq;
        d.persisted = true;
        s.next_seq = std::max(s.next_seq, r.seq + 1);
        if (r.pubrel_pending && r.packet_id != 0) {
            // PUBREC was received: only the PUBREL remains, with the same id.
            d.packet_id = r.packet_id;
            d.pubrel_pending = true;
            s.inflight.push_back(std::move(d));
        } else {
            s.queue.push_back(std::move(d));
        }
    }
    log::get("broker")->info("restored {} retained messages, {} sessions, {} queued messages",
                             retained_.size(), snap->sessions.size(), snap->messages.size());
    return {};
}

}  // namespace ts::broker
