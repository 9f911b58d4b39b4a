// DISCONNECT (spec 3.14) and AUTH (5.0 3.15) bodies. PINGREQ and PINGRESP
// have none (decode() rejects any byte after their fixed header).
#include "mqtt/decode_internal.hpp"
#include "mqtt/properties_codec.hpp"

namespace ts::mqtt::detail {
namespace {

// Reason code then properties; either may be omitted from the end, meaning
// Success and no properties.
bool read_reason_and_properties(ByteReader& r, PacketType type, ReasonCode& reason,
                                Properties& props) {
    if (r.empty()) return true;
    std::uint8_t code = 0;
    if (!r.u8(code)) return false;
    if (!is_valid_reason(type, code))
        return r.fail(ReasonCode::ProtocolError, "invalid reason code");
    reason = static_cast<ReasonCode>(code);
    if (r.empty()) return true;
    return decode_properties(r, context_of(type), props);
}

}  // namespace

bool decode_disconnect(ByteReader& r, ProtocolVersion v, Disconnect& out) {
    if (!is_v5(v)) return true;  // 3.1.1: empty; decode() rejects trailing bytes
    return read_reason_and_properties(r, PacketType::Disconnect, out.reason, out.properties);
}

bool decode_auth(ByteReader& r, ProtocolVersion v, Auth& out) {
    if (!is_v5(v)) return r.fail(ReasonCode::MalformedPacket, "AUTH packet in MQTT 3.1.1");
    return read_reason_and_properties(r, PacketType::Auth, out.reason, out.properties);
}

}  // namespace ts::mqtt::detail
