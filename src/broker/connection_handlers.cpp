// What a connection does with each packet it receives.
#include <boost/asio/post.hpp>

#include "broker/broker.hpp"
#include "broker/connection.hpp"
#include "broker/topic.hpp"
#include "broker/worker.hpp"
#include "core/log.hpp"
#include "core/log_limiter.hpp"

namespace ts::broker {

namespace {
const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("broker");
    return l;
}
using mqtt::ReasonCode;

// PUBACK/PUBREC/PUBCOMP read and not yet applied. One list per thread, not
// per connection: a connection's are always applied before its read handler
// returns (process_packets), and reads are never handled inside one another.
std::vector<Ack>& pending_acks() {
    thread_local std::vector<Ack> acks;
    return acks;
}
}  // namespace

void Connection::handle(mqtt::Packet&& packet) {
    if (state_ == State::AwaitingConnect) {
        if (auto* c = std::get_if<mqtt::Connect>(&packet)) {
            on_connect(std::move(*c));
        } else {
            close_with(ReasonCode::ProtocolError, false, "first packet is not CONNECT");
        }
        return;
    }
    std::visit(
        [this](auto&& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, mqtt::Publish>) {
                on_publish(std::move(p));
            } else if constexpr (std::is_same_v<T, mqtt::PubResponse>) {
                on_pub_response(p);
            } else if constexpr (std::is_same_v<T, mqtt::Subscribe>) {
                on_subscribe(std::move(p));
            } else if constexpr (std::is_same_v<T, mqtt::Unsubscribe>) {
                on_unsubscribe(std::move(p));
            } else if constexpr (std::is_same_v<T, mqtt::Pingreq>) {
                append_packet(mqtt::Pingresp{});
            } else if constexpr (std::is_same_v<T, mqtt::Disconnect>) {
                on_disconnect(p);
            } else if constexpr (std::is_same_v<T, mqtt::Connect>) {
                close_with(ReasonCode::ProtocolError, true, "second CONNECT");
            } else if constexpr (std::is_same_v<T, mqtt::Auth>) {
                // No enhanced authentication method is offered, so AUTH is unexpected.
                close_with(ReasonCode::ProtocolError, true,
                           "AUTH without an authentication method");
            } else {
                close_with(ReasonCode::ProtocolError, true, "packet a client must not send");
            }
        },
        std::move(packet));
}

void Connection::on_connect(mqtt::Connect&& c) {
    const auto& cfg = broker().config();
    settle_pending();  // answered now, whatever the answer
    version_ = c.version == mqtt::ProtocolVersion::v5 ? mqtt::ProtocolVersion::v5
                                                      : mqtt::ProtocolVersion::v311;
    const bool v5 = version_ == mqtt::ProtocolVersion::v5;

    if (v5 && c.properties.authentication_method) {
        append_packet(mqtt::Connack{false, ReasonCode::BadAuthenticationMethod, {}});
        close_with(ReasonCode::BadAuthenticationMethod, false, "unsupported authentication method");
        return;
    }
    if (c.client_id.empty() && !c.clean_start && !v5) {
        append_packet(mqtt::Connack{false, ReasonCode::ClientIdentifierNotValid, {}});
        close_with(ReasonCode::ClientIdentifierNotValid, false,
                   "empty client id with clean session 0");
        return;
    }
    if (c.will && !mqtt::is_valid_topic_name(c.will->topic)) {
        append_packet(mqtt::Connack{false, ReasonCode::TopicNameInvalid, {}});
        close_with(ReasonCode::TopicNameInvalid, false, "invalid will topic");
        return;
    }
    if (c.will && c.will->retain && !cfg.retain_available) {
        append_packet(mqtt::Connack{false, ReasonCode::RetainNotSupported, {}});
        close_with(ReasonCode::RetainNotSupported, false, "retained will not supported");
        return;
    }

    client_max_packet_ = c.properties.maximum_packet_size.value_or(0);
    client_alias_max_ = c.properties.topic_alias_maximum.value_or(0);
    if (client_alias_max_ > 0) aliases_ = std::make_unique<TopicAliases>();
    bool assigned = c.client_id.empty();

    auto result = broker().connect(shared_from_this(), c);
    if (result.reason != ReasonCode::Success) {
        append_packet(mqtt::Connack{false, result.reason, {}});
        // Who was refused and why is logged where it was decided (the
        // authenticator summarises repeats and cuts long identifiers).
        close_with(result.reason, false, "connect refused");
        return;
    }

    mqtt::Connack ack;
    ack.session_present = result.session_present;
    if (v5) {
        auto& p = ack.properties;
        if (!result.assigned_client_id.empty())
            p.assigned_client_identifier = result.assigned_client_id;
        else if (assigned)
            p.assigned_client_identifier = c.client_id;
        if (c.keep_alive > cfg.max_keepalive || (c.keep_alive == 0 && cfg.max_keepalive < 65535)) {
            c.keep_alive = cfg.max_keepalive;
            p.server_keep_alive = cfg.max_keepalive;
        }
        if (c.properties.session_expiry_interval.value_or(0) > cfg.max_session_expiry)
            p.session_expiry_interval = cfg.max_session_expiry;
        p.receive_maximum = cfg.max_inflight;
        p.maximum_packet_size = cfg.max_packet_size;
        p.topic_alias_maximum = cfg.topic_alias_maximum;
        // Absent would mean "available" too; stating them helps clients that
        // log the server's capabilities.
        p.retain_available = cfg.retain_available ? 1 : 0;
        p.wildcard_subscription_available = 1;
        p.subscription_identifier_available = 1;
        p.shared_subscription_available = 1;
    }
    keep_alive_s_ = c.keep_alive;
    will_ = c.will ? std::make_unique<mqtt::Will>(std::move(*c.will)) : nullptr;
    session_ = result.session;
    identity_ = result.identity;
    if (aliases_) aliases_->inbound.clear();
    state_ = State::Connected;
    append_packet(ack);
    logger()->debug("client={} remote={} connected v{} keepalive={} session_present={}",
                    client_id(), transport_->remote_address(), static_cast<int>(version_),
                    keep_alive_s_, result.session_present);

    // Attach: from now on other threads deliver straight to this connection.
    {
        std::lock_guard lock(session_->mutex);
        session_->conn = shared_from_this();
        session_->set_online(true);
        broker().resume_locked(*session_);
    }
    if (auto* o = broker().observer()) o->on_online(*identity_, transport_->remote_address());
}

ReasonCode Connection::resolve_topic_alias(mqtt::Publish& p) {
    if (!p.properties.topic_alias) return ReasonCode::Success;
    std::uint16_t alias = *p.properties.topic_alias;
    if (alias == 0 || alias > broker().config().topic_alias_maximum)
        return ReasonCode::TopicAliasInvalid;
    if (!aliases_) aliases_ = std::make_unique<TopicAliases>();
    auto& inbound_aliases_ = aliases_->inbound;
    if (inbound_aliases_.size() < alias) inbound_aliases_.resize(alias);
    if (p.topic.empty()) {
        if (inbound_aliases_[alias - 1].empty()) return ReasonCode::ProtocolError;
        p.topic = inbound_aliases_[alias - 1];
    } else {
        inbound_aliases_[alias - 1] = p.topic;
    }
    p.properties.topic_alias.reset();
    return ReasonCode::Success;
}

void Connection::on_publish(mqtt::Publish&& p) {
    const auto& cfg = broker().config();
    WorkerStats::add(worker_.stats().messages_received, 1);
    if (auto rc = resolve_topic_alias(p); rc != ReasonCode::Success) {
        close_with(rc, true, "bad topic alias");
        return;
    }
    if (p.topic.empty()) {
        close_with(ReasonCode::ProtocolError, true, "empty topic without alias");
        return;
    }
    if (p.topic.size() > cfg.max_topic_length || count_levels(p.topic) > cfg.max_topic_levels) {
        close_with(ReasonCode::TopicNameInvalid, true, "topic over the configured limits");
        return;
    }
    if (p.retain && !cfg.retain_available) {
        close_with(ReasonCode::RetainNotSupported, true, "retain not supported");
        return;
    }
    if (auto* auth = broker().authenticator(); auth && !auth->may_publish(*identity_, p.topic)) {
        // 5.0 says why in the acknowledgement; 3.1.1 has no way to, so the
        // message is acknowledged and dropped (spec 3.3.5), and logged.
        WorkerStats::add(worker_.stats().publishes_denied, 1);
        if (!denied_log_) denied_log_ = std::make_unique<LogGate>(kDeniedLogInterval);
        if (auto n = denied_log_->pass(broker().clock().now_ms()))
            logger()->info(
                "client={} ({}) may not publish to {}: dropped ({} denied in the last "
                "interval)",
                clip_for_log(client_id()), clip_for_log(identity_->name), clip_for_log(p.topic), n);
        refuse_publish(p, version_ == mqtt::ProtocolVersion::v5 ? ReasonCode::NotAuthorized
                                                                : ReasonCode::Success);
        return;
    }
    // A 5.0 client that asks for an acknowledgement hears that its message
    // cannot be retained (and it is not routed); otherwise the message is
    // routed and its retention refused there, counted and logged.
    if (p.retain && !p.payload.empty() && version_ == mqtt::ProtocolVersion::v5 &&
        p.qos != mqtt::QoS::AtMostOnce) {
        if (auto why = broker().check_retain(p.topic, p.payload.size(), session_->client_id);
            refused(why)) {
            broker().note_retain_refused(session_->client_id, p.topic, why);
            refuse_publish(p, ReasonCode::QuotaExceeded);
            return;
        }
    }
    if (p.qos == mqtt::QoS::ExactlyOnce) {
        // The id is taken before the message is routed, under the session's
        // lock: during a takeover the old connection may still be handling
        // packets of the same session on another thread, and a resend must
        // be routed once whichever connection it arrives on.
        enum { Fresh, Resend, Full } seen = Fresh;
        {
            std::lock_guard lock(session_->mutex);
            if (!session_->inbound_qos2)
                session_->inbound_qos2 = std::make_unique<std::vector<std::uint16_t>>();
            auto& ids = *session_->inbound_qos2;
            if (std::find(ids.begin(), ids.end(), p.packet_id) != ids.end())
                seen = Resend;
            else if (ids.size() >= cfg.max_inflight)
                seen = Full;
            else
                ids.push_back(p.packet_id);
        }
        if (seen == Resend) {
            // A resend of a message already routed: acknowledge again, route once.
            append_packet(
                mqtt::PubResponse{mqtt::PacketType::Pubrec, p.packet_id, ReasonCode::Success, {}});
            return;
        }
        if (seen == Full) {
            close_with(ReasonCode::ReceiveMaximumExceeded, true, "receive maximum exceeded");
            return;
        }
    }

    auto msg = std::make_shared<Message>();
    msg->topic = std::move(p.topic);
    msg->payload = std::move(p.payload);
    msg->qos = p.qos;
    msg->retain = p.retain;
    msg->origin = session_.get();
    if (p.properties.message_expiry_interval)
        msg->expiry_at =
            broker().clock().now_ms() + Millis{*p.properties.message_expiry_interval} * 1000;
    p.properties.message_expiry_interval.reset();
    p.properties.subscription_identifiers.clear();
    // A 3.1.1 PUBLISH has no properties; a 5.0 one is compared with a
    // constant rather than a Properties built and destroyed per message.
    static const mqtt::Properties kNoProperties;
    if (version_ == mqtt::ProtocolVersion::v5 && !(p.properties == kNoProperties))
        msg->properties = std::make_shared<const mqtt::Properties>(std::move(p.properties));

    {
        Broker::PublisherScope scope(this);  // over-full subscribers pause this client
        broker().publish(msg, session_->client_id);
    }
    if (auto* tap = broker().message_tap(); tap && identity_->kind == ClientIdentity::Kind::Device)
        tap->on_device_message(*identity_, msg->topic, msg->payload);

    if (p.qos == mqtt::QoS::AtLeastOnce) {
        append_packet(
            mqtt::PubResponse{mqtt::PacketType::Puback, p.packet_id, ReasonCode::Success, {}});
    } else if (p.qos == mqtt::QoS::ExactlyOnce) {
        append_packet(
            mqtt::PubResponse{mqtt::PacketType::Pubrec, p.packet_id, ReasonCode::Success, {}});
    }
}

void Connection::refuse_publish(const mqtt::Publish& p, ReasonCode rc) {
    if (p.qos == mqtt::QoS::AtLeastOnce)
        append_packet(mqtt::PubResponse{mqtt::PacketType::Puback, p.packet_id, rc, {}});
    else if (p.qos == mqtt::QoS::ExactlyOnce)
        append_packet(mqtt::PubResponse{mqtt::PacketType::Pubrec, p.packet_id, rc, {}});
}

void Connection::on_pub_response(const mqtt::PubResponse& r) {
    if (r.type == mqtt::PacketType::Pubrel) {
        bool known = false;
        {
            std::lock_guard lock(session_->mutex);  // see on_publish
            if (auto* ids = session_->inbound_qos2.get()) {
                auto it = std::find(ids->begin(), ids->end(), r.packet_id);
                known = it != ids->end();
                if (known) ids->erase(it);
            }
        }
        append_packet(
            mqtt::PubResponse{mqtt::PacketType::Pubcomp,
                              r.packet_id,
                              known ? ReasonCode::Success : ReasonCode::PacketIdentifierNotFound,
                              {}});
        return;
    }
    // Held until the other packets of this read are handled or another kind
    // of packet comes: the session's lock is taken once for all of them. A
    // read full of acknowledgements is applied in slices, so what a client
    // sends cannot grow what each connection keeps.
    pending_acks().push_back({r.type, r.packet_id, r.reason});
    if (pending_acks().size() >= kMaxPendingAcks) flush_acks();
}

void Connection::flush_acks() {
    auto& acks = pending_acks();
    if (acks.empty()) return;
    if (session_) broker().acknowledge(*session_, acks);
    acks.clear();
}

void Connection::on_subscribe(mqtt::Subscribe&& s) {
    mqtt::Suback ack;
    ack.packet_id = s.packet_id;
    std::uint32_t sub_id = s.properties.subscription_identifiers.empty()
                               ? 0
                               : s.properties.subscription_identifiers[0];
    // SUBACK goes out before the retained messages the subscription triggers.
    std::vector<ReasonCode> reasons;
    reasons.reserve(s.topics.size());
    for (const auto& t : s.topics) {
        auto shared = parse_shared(t.filter);
        const std::string& f = shared ? shared->filter : t.filter;
        ReasonCode rc;
        if (shared && shared->group.empty())
            rc = ReasonCode::TopicFilterInvalid;
        else if (shared && version_ == mqtt::ProtocolVersion::v5 && t.options.no_local)
            rc = ReasonCode::ProtocolError;
        else if (!mqtt::is_valid_topic_filter(f) || f.size() > broker().config().max_topic_length ||
                 count_levels(f) > broker().config().max_topic_levels)
            rc = ReasonCode::TopicFilterInvalid;
        else if (auto* auth = broker().authenticator(); auth && !auth->may_subscribe(*identity_, f))
            rc = ReasonCode::NotAuthorized;
        else
            rc = ReasonCode::Success;
        if (rc == ReasonCode::NotAuthorized)
            logger()->info("client={} ({}) may not subscribe to {}", client_id(), identity_->name,
                           t.filter);
        reasons.push_back(rc);
    }
    if (version_ == mqtt::ProtocolVersion::v5) {
        for (auto rc : reasons) {
            if (rc == ReasonCode::ProtocolError) {
                close_with(rc, true, "no local on a shared subscription");
                return;
            }
        }
    }
    // Subscribe first (so no message published after the SUBACK is missed),
    // acknowledge, then send retained messages.
    std::vector<Delivery> retained;
    for (std::size_t i = 0; i < s.topics.size(); ++i) {
        if (reasons[i] != ReasonCode::Success) continue;
        reasons[i] = broker().subscribe(session_, s.topics[i], sub_id, retained);
    }
    ack.reasons = std::move(reasons);
    append_packet(ack);
    for (auto& d : retained) broker().deliver(*session_, std::move(d));
}

void Connection::on_unsubscribe(mqtt::Unsubscribe&& u) {
    mqtt::Unsuback ack;
    ack.packet_id = u.packet_id;
    for (const auto& f : u.filters) ack.reasons.push_back(broker().unsubscribe(session_, f));
    append_packet(ack);
}

void Connection::on_disconnect(const mqtt::Disconnect& d) {
    if (version_ == mqtt::ProtocolVersion::v5) {
        if (d.properties.session_expiry_interval) {
            std::lock_guard lock(session_->mutex);
            if (session_->expiry_interval_s == 0 && *d.properties.session_expiry_interval != 0) {
                close_with(ReasonCode::ProtocolError, true, "session expiry set after 0");
                return;
            }
            session_->expiry_interval_s = std::min(*d.properties.session_expiry_interval,
                                                   broker().config().max_session_expiry);
        }
    }
    if (d.reason != ReasonCode::DisconnectWithWillMessage) will_.reset();
    publish_will_on_close_ = true;
    state_ = State::Closing;
    close_now();
}

}  // namespace ts::broker
