// PUBLISH (spec 3.3) and PUBACK/PUBREC/PUBREL/PUBCOMP (3.4 .. 3.7) bodies.
#include <cstring>

#include "mqtt/decode_internal.hpp"
#include "mqtt/properties_codec.hpp"

namespace ts::mqtt::detail {

bool decode_publish(ByteReader& r, std::uint8_t flags, ProtocolVersion v, Publish& out) {
    const auto qos = static_cast<std::uint8_t>((flags >> 1) & 0x03);
    if (qos == 3) return r.fail(ReasonCode::MalformedPacket, "PUBLISH with QoS 3");
    out.dup = (flags & 0x08) != 0;
    out.qos = static_cast<QoS>(qos);
    out.retain = (flags & 0x01) != 0;
    if (out.dup && qos == 0)
        return r.fail(ReasonCode::MalformedPacket, "DUP set on a QoS 0 PUBLISH");

    std::string_view topic;
    if (!r.utf8_view(topic)) return false;
    if (std::memchr(topic.data(), '+', topic.size()) != nullptr ||
        std::memchr(topic.data(), '#', topic.size()) != nullptr)
        return r.fail(ReasonCode::TopicNameInvalid, "wildcard in PUBLISH topic");
    if (qos > 0) {
        if (!r.u16(out.packet_id)) return false;
        if (out.packet_id == 0) return r.fail(ReasonCode::ProtocolError, "packet identifier 0");
    }
    if (is_v5(v)) {
        if (!decode_properties(r, PropertyContext::Publish, out.properties)) return false;
        if (topic.empty() && !out.properties.topic_alias)
            return r.fail(ReasonCode::ProtocolError, "empty topic without topic alias");
    } else if (topic.empty()) {
        return r.fail(ReasonCode::TopicNameInvalid, "empty PUBLISH topic");
    }
    out.topic.assign(topic);

    const auto payload = r.rest();
    if (out.properties.payload_format_indicator == 1 &&
        !is_well_formed_utf8({reinterpret_cast<const char*>(payload.data()), payload.size()}, true))
        return r.fail(ReasonCode::PayloadFormatInvalid, "payload is not UTF-8");
    out.payload = SharedBuffer::copy_of(payload.data(), payload.size());
    return true;
}

bool decode_pub_response(ByteReader& r, PacketType type, ProtocolVersion v, PubResponse& out) {
    out.type = type;
    if (!r.u16(out.packet_id)) return false;
    if (out.packet_id == 0) return r.fail(ReasonCode::ProtocolError, "packet identifier 0");
    // 3.1.1 has nothing more; in 5.0 a remaining length of 2 means Success
    // with no properties, 3 a reason code without properties.
    if (!is_v5(v) || r.empty()) return true;
    std::uint8_t code = 0;
    if (!r.u8(code)) return false;
    if (!is_valid_reason(type, code))
        return r.fail(ReasonCode::ProtocolError, "invalid reason code");
    out.reason = static_cast<ReasonCode>(code);
    if (r.empty()) return true;
    return decode_properties(r, context_of(type), out.properties);
}

}  // namespace ts::mqtt::detail
