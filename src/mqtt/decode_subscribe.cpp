// SUBSCRIBE (spec 3.8), SUBACK (3.9), UNSUBSCRIBE (3.10), UNSUBACK (3.11).
#include "mqtt/decode_internal.hpp"
#include "mqtt/properties_codec.hpp"

namespace ts::mqtt::detail {
namespace {

// Packet identifier (non-zero) and, in 5.0, the properties.
bool read_header(ByteReader& r, ProtocolVersion v, PropertyContext ctx, std::uint16_t& id,
                 Properties& props) {
    if (!r.u16(id)) return false;
    if (id == 0) return r.fail(ReasonCode::ProtocolError, "packet identifier 0");
    return !is_v5(v) || decode_properties(r, ctx, props);
}

bool empty_list(ByteReader& r, ProtocolVersion v, const char* message) {
    return r.fail(is_v5(v) ? ReasonCode::ProtocolError : ReasonCode::MalformedPacket, message);
}

bool read_options(ByteReader& r, ProtocolVersion v, SubscriptionOptions& o) {
    std::uint8_t b = 0;
    if (!r.u8(b)) return false;
    if ((b & 0x03) == 3) return r.fail(ReasonCode::MalformedPacket, "subscription QoS 3");
    o.max_qos = static_cast<QoS>(b & 0x03);
    if (!is_v5(v)) {
        if (b & 0xFC) return r.fail(ReasonCode::MalformedPacket, "reserved subscription bits set");
        return true;
    }
    if (b & 0xC0) return r.fail(ReasonCode::MalformedPacket, "reserved subscription bits set");
    o.no_local = (b & 0x04) != 0;
    o.retain_as_published = (b & 0x08) != 0;
    const auto rh = static_cast<std::uint8_t>((b >> 4) & 0x03);
    if (rh == 3) return r.fail(ReasonCode::ProtocolError, "retain handling 3");
    o.retain_handling = static_cast<RetainHandling>(rh);
    return true;
}

}  // namespace

bool decode_subscribe(ByteReader& r, ProtocolVersion v, Subscribe& out) {
    if (!read_header(r, v, PropertyContext::Subscribe, out.packet_id, out.properties)) return false;
    if (r.empty()) return empty_list(r, v, "SUBSCRIBE without topic filters");
    while (!r.empty()) {
        auto& sub = out.topics.emplace_back();
        if (!r.utf8(sub.filter) || !read_options(r, v, sub.options)) return false;
    }
    return true;
}

bool decode_unsubscribe(ByteReader& r, ProtocolVersion v, Unsubscribe& out) {
    if (!read_header(r, v, PropertyContext::Unsubscribe, out.packet_id, out.properties))
        return false;
    if (r.empty()) return empty_list(r, v, "UNSUBSCRIBE without topic filters");
    while (!r.empty()) {
        if (!r.utf8(out.filters.emplace_back())) return false;
    }
    return true;
}

bool decode_suback(ByteReader& r, ProtocolVersion v, Suback& out) {
    if (!read_header(r, v, PropertyContext::Suback, out.packet_id, out.properties)) return false;
    if (r.empty()) return empty_list(r, v, "SUBACK without return codes");
    const auto codes = r.rest();
    out.reasons.reserve(codes.size());
    for (std::uint8_t c : codes) {
        if (is_v5(v) ? !is_valid_reason(PacketType::Suback, c) : (c > 2 && c != 0x80))
            return r.fail(is_v5(v) ? ReasonCode::ProtocolError : ReasonCode::MalformedPacket,
                          "invalid SUBACK return code");
        out.reasons.push_back(static_cast<ReasonCode>(c));
    }
    return true;
}

bool decode_unsuback(ByteReader& r, ProtocolVersion v, Unsuback& out) {
    if (!read_header(r, v, PropertyContext::Unsuback, out.packet_id, out.properties)) return false;
    if (!is_v5(v)) return true;  // 3.1.1: packet identifier only
    if (r.empty()) return empty_list(r, v, "UNSUBACK without reason codes");
    const auto codes = r.rest();
    out.reasons.reserve(codes.size());
    for (std::uint8_t c : codes) {
        if (!is_valid_reason(PacketType::Unsuback, c))
            return r.fail(ReasonCode::ProtocolError, "invalid UNSUBACK reason code");
        out.reasons.push_back(static_cast<ReasonCode>(c));
    }
    return true;
}

}  // namespace ts::mqtt::detail
