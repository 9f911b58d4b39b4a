// CONNECT (spec 3.1 / 5.0 3.1) and CONNACK (3.2) bodies.
#include "mqtt/decode_internal.hpp"
#include "mqtt/properties_codec.hpp"

namespace ts::mqtt::detail {
namespace {

constexpr ReasonCode kMalformed = ReasonCode::MalformedPacket;

// Protocol name and level: "MQTT" 4 or 5, or "MQIsdp" 3.
bool read_protocol(ByteReader& r, ProtocolVersion& version) {
    std::string_view name;
    std::uint8_t level = 0;
    if (!r.utf8_view(name) || !r.u8(level)) return false;
    if (name == "MQTT") {
        if (level != 4 && level != 5)
            return r.fail(ReasonCode::UnsupportedProtocolVersion, "unsupported protocol level");
    } else if (name == "MQIsdp") {
        if (level != 3)
            return r.fail(ReasonCode::UnsupportedProtocolVersion, "unsupported protocol level");
    } else {
        return r.fail(kMalformed, "unknown protocol name");
    }
    version = static_cast<ProtocolVersion>(level);
    return true;
}

bool read_will(ByteReader& r, bool v5, Will& will) {
    if (v5 && !decode_properties(r, PropertyContext::Will, will.properties)) return false;
    std::string_view topic;
    std::string_view payload;
    if (!r.utf8_view(topic) || !r.binary_view(payload)) return false;
    if (!is_valid_topic_name(topic))
        return r.fail(ReasonCode::TopicNameInvalid, "invalid will topic");
    if (v5 && will.properties.payload_format_indicator == 1 && !is_well_formed_utf8(payload, true))
        return r.fail(ReasonCode::PayloadFormatInvalid, "will payload is not UTF-8");
    will.topic.assign(topic);
    will.payload = SharedBuffer::copy_of(payload);
    return true;
}

}  // namespace

bool decode_connect(ByteReader& r, Connect& out) {
    std::uint8_t flags = 0;
    if (!read_protocol(r, out.version)) return false;
    if (!r.u8(flags) || !r.u16(out.keep_alive)) return false;
    const bool v5 = is_v5(out.version);

    // Connect flags (3.1.2.2 .. 3.1.2.9).
    if (flags & 0x01) return r.fail(kMalformed, "reserved connect flag set");
    out.clean_start = (flags & 0x02) != 0;
    const bool will_flag = (flags & 0x04) != 0;
    const auto will_qos = static_cast<std::uint8_t>((flags >> 3) & 0x03);
    const bool will_retain = (flags & 0x20) != 0;
    const bool password_flag = (flags & 0x40) != 0;
    const bool username_flag = (flags & 0x80) != 0;
    if (will_qos == 3) return r.fail(kMalformed, "will QoS 3");
    if (!will_flag && (will_qos != 0 || will_retain))
        return r.fail(kMalformed, "will QoS or retain set without will flag");
    if (!v5 && password_flag && !username_flag)
        return r.fail(kMalformed, "password flag without user name flag");

    if (v5 && !decode_properties(r, PropertyContext::Connect, out.properties)) return false;

    // Payload (3.1.3): client id, will, user name, password.
    if (!r.utf8(out.client_id)) return false;
    if (will_flag) {
        Will& will = out.will.emplace();
        will.qos = static_cast<QoS>(will_qos);
        will.retain = will_retain;
        if (!read_will(r, v5, will)) return false;
    }
    if (username_flag && !r.utf8(out.username.emplace())) return false;
    if (password_flag && !r.binary(out.password.emplace())) return false;
    return true;
}

bool decode_connack(ByteReader& r, ProtocolVersion v, Connack& out) {
    std::uint8_t flags = 0;
    std::uint8_t code = 0;
    if (!r.u8(flags) || !r.u8(code)) return false;
    if (flags & 0xFE) return r.fail(kMalformed, "reserved connack flag set");
    out.session_present = (flags & 0x01) != 0;
    if (is_v5(v)) {
        if (!is_valid_reason(PacketType::Connack, code))
            return r.fail(ReasonCode::ProtocolError, "invalid connack reason code");
        out.reason = static_cast<ReasonCode>(code);
        if (!decode_properties(r, PropertyContext::Connack, out.properties)) return false;
    } else if (!from_311_connack(code, out.reason)) {
        return r.fail(kMalformed, "invalid connack return code");
    }
    if (out.session_present && out.reason != ReasonCode::Success)
        return r.fail(ReasonCode::ProtocolError, "session present with an error return code");
    return true;
}

}  // namespace ts::mqtt::detail
