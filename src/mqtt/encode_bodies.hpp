#pragma once
// The variable header and payload layout of every packet (internal), written
// once against the Writer interface (SizeCounter or VecWriter, see
// byte_writer.hpp). 5.0-only fields are left out for 3.1.1.
#include "mqtt/byte_writer.hpp"
#include "mqtt/packets.hpp"
#include "mqtt/properties_codec.hpp"

namespace ts::mqtt::detail {

inline bool v5(ProtocolVersion v) {
    return v == ProtocolVersion::v5;
}

template <typename W>
void write_body(W& w, const Connect& c, ProtocolVersion) {
    const ProtocolVersion v = c.version;  // a CONNECT carries its own version
    if (v == ProtocolVersion::v31) {
        w.str("MQIsdp");
    } else {
        w.str("MQTT");
    }
    w.u8(static_cast<std::uint8_t>(v));
    std::uint8_t flags = c.clean_start ? 0x02 : 0x00;
    if (c.will) {
        flags |= 0x04;
        flags |= static_cast<std::uint8_t>((static_cast<std::uint8_t>(c.will->qos) & 0x03) << 3);
        if (c.will->retain) flags |= 0x20;
    }
    if (c.password) flags |= 0x40;
    if (c.username) flags |= 0x80;
    w.u8(flags);
    w.u16(c.keep_alive);
    if (v5(v)) encode_properties(w, c.properties, PropertyContext::Connect);
    w.str(c.client_id);
    if (c.will) {
        if (v5(v)) encode_properties(w, c.will->properties, PropertyContext::Will);
        w.str(c.will->topic);
        w.str(c.will->payload.view());
    }
    if (c.username) w.str(*c.username);
    if (c.password) w.str(*c.password);
}

template <typename W>
void write_body(W& w, const Connack& c, ProtocolVersion v) {
    w.u8(c.session_present ? 1 : 0);
    if (v5(v)) {
        w.u8(static_cast<std::uint8_t>(c.reason));
        encode_properties(w, c.properties, PropertyContext::Connack);
    } else {
        w.u8(static_cast<std::uint8_t>(to_311_connack(c.reason)));
    }
}

template <typename W>
void write_publish(W& w, const Publish& p, ProtocolVersion v, bool with_payload) {
    w.str(p.topic);
    if (p.qos != QoS::AtMostOnce) w.u16(p.packet_id);
    if (v5(v)) encode_properties(w, p.properties, PropertyContext::Publish);
    if (with_payload) w.bytes(p.payload.data(), p.payload.size());
}

template <typename W>
void write_body(W& w, const Publish& p, ProtocolVersion v) {
    write_publish(w, p, v, true);
}

// A reason code and properties, both left out when they are Success and
// none (PUBACK family, DISCONNECT); `always_properties` keeps the property
// length once a reason code is written (AUTH).
template <typename W>
void write_reason_tail(W& w, ReasonCode reason, const Properties& props, PropertyContext ctx,
                       bool always_properties) {
    const bool has_props = has_properties(props, ctx);
    if (reason == ReasonCode::Success && !has_props) return;
    w.u8(static_cast<std::uint8_t>(reason));
    if (has_props || always_properties) encode_properties(w, props, ctx);
}

template <typename W>
void write_body(W& w, const PubResponse& p, ProtocolVersion v) {
    w.u16(p.packet_id);
    if (v5(v)) write_reason_tail(w, p.reason, p.properties, context_of(p.type), false);
}

template <typename W>
void write_body(W& w, const Subscribe& s, ProtocolVersion v) {
    w.u16(s.packet_id);
    if (v5(v)) encode_properties(w, s.properties, PropertyContext::Subscribe);
    for (const auto& t : s.topics) {
        w.str(t.filter);
        auto o = static_cast<std::uint8_t>(static_cast<std::uint8_t>(t.options.max_qos) & 0x03);
        if (v5(v)) {
            if (t.options.no_local) o |= 0x04;
            if (t.options.retain_as_published) o |= 0x08;
            o |= static_cast<std::uint8_t>(
                (static_cast<std::uint8_t>(t.options.retain_handling) & 0x03) << 4);
        }
        w.u8(o);
    }
}

inline std::uint8_t suback_311(ReasonCode rc) {
    const auto c = static_cast<std::uint8_t>(rc);
    return c <= 2 ? c : 0x80;
}

template <typename W>
void write_body(W& w, const Suback& s, ProtocolVersion v) {
    w.u16(s.packet_id);
    if (v5(v)) encode_properties(w, s.properties, PropertyContext::Suback);
    for (ReasonCode rc : s.reasons) w.u8(v5(v) ? static_cast<std::uint8_t>(rc) : suback_311(rc));
}

template <typename W>
void write_body(W& w, const Unsubscribe& u, ProtocolVersion v) {
    w.u16(u.packet_id);
    if (v5(v)) encode_properties(w, u.properties, PropertyContext::Unsubscribe);
    for (const auto& f : u.filters) w.str(f);
}

template <typename W>
void write_body(W& w, const Unsuback& u, ProtocolVersion v) {
    w.u16(u.packet_id);
    if (!v5(v)) return;
    encode_properties(w, u.properties, PropertyContext::Unsuback);
    for (ReasonCode rc : u.reasons) w.u8(static_cast<std::uint8_t>(rc));
}

template <typename W>
void write_body(W&, const Pingreq&, ProtocolVersion) {}

template <typename W>
void write_body(W&, const Pingresp&, ProtocolVersion) {}

template <typename W>
void write_body(W& w, const Disconnect& d, ProtocolVersion v) {
    if (v5(v)) write_reason_tail(w, d.reason, d.properties, PropertyContext::Disconnect, false);
}

template <typename W>
void write_body(W& w, const Auth& a, ProtocolVersion v) {
    if (v5(v)) write_reason_tail(w, a.reason, a.properties, PropertyContext::Auth, true);
}

}  // namespace ts::mqtt::detail
