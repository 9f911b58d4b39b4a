// decode(): fixed header checks (spec 2.1.3 reserved flags) and dispatch to
// the per-packet body decoders.
#include "mqtt/decode_internal.hpp"

namespace ts::mqtt {
namespace {

using detail::ByteReader;

CodecResult<Packet> error(ReasonCode rc, const char* message) {
    return unexpected(CodecError{rc, message});
}

// Fixed-header flags every packet but PUBLISH must carry.
std::uint8_t required_flags(PacketType t) {
    switch (t) {
        case PacketType::Pubrel:
        case PacketType::Subscribe:
        case PacketType::Unsubscribe:
            return 0x2;
        default:
            return 0x0;
    }
}

bool decode_body(ByteReader& r, const FixedHeader& h, ProtocolVersion v, Packet& out) {
    using namespace detail;
    switch (h.type()) {
        case PacketType::Connect:
            return decode_connect(r, out.emplace<Connect>());
        case PacketType::Connack:
            return decode_connack(r, v, out.emplace<Connack>());
        case PacketType::Publish:
            return decode_publish(r, h.flags(), v, out.emplace<Publish>());
        case PacketType::Puback:
        case PacketType::Pubrec:
        case PacketType::Pubrel:
        case PacketType::Pubcomp:
            return decode_pub_response(r, h.type(), v, out.emplace<PubResponse>());
        case PacketType::Subscribe:
            return decode_subscribe(r, v, out.emplace<Subscribe>());
        case PacketType::Suback:
            return decode_suback(r, v, out.emplace<Suback>());
        case PacketType::Unsubscribe:
            return decode_unsubscribe(r, v, out.emplace<Unsubscribe>());
        case PacketType::Unsuback:
            return decode_unsuback(r, v, out.emplace<Unsuback>());
        case PacketType::Pingreq:
            out.emplace<Pingreq>();
            return true;
        case PacketType::Pingresp:
            out.emplace<Pingresp>();
            return true;
        case PacketType::Disconnect:
            return decode_disconnect(r, v, out.emplace<Disconnect>());
        case PacketType::Auth:
            return decode_auth(r, v, out.emplace<Auth>());
    }
    return r.fail(ReasonCode::MalformedPacket, "reserved packet type");
}

}  // namespace

CodecResult<Packet> decode(std::span<const std::uint8_t> packet, ProtocolVersion version) {
    const FrameResult frame = detail::parse_fixed_header(packet);
    if (frame.status == FrameStatus::Error) return unexpected(frame.error);
    if (frame.status == FrameStatus::NeedMore)
        return error(ReasonCode::MalformedPacket, "packet truncated");
    const FixedHeader& h = frame.header;
    if (packet.size() != h.total_length())
        return error(ReasonCode::MalformedPacket, packet.size() < h.total_length()
                                                      ? "packet truncated"
                                                      : "bytes after the end of the packet");
    if (h.type() != PacketType::Publish && h.flags() != required_flags(h.type()))
        return error(ReasonCode::MalformedPacket, "invalid fixed header flags");

    ByteReader r(packet.subspan(h.header_length));
    // Decoded in place and returned by NRVO: no move of the (large) Packet.
    CodecResult<Packet> result;
    if (!decode_body(r, h, version, *result)) {
        result = error(r.error().reason, r.error().message);
    } else if (!r.empty()) {
        result = error(ReasonCode::MalformedPacket, "bytes after the end of the packet");
    }
    return result;
}

}  // namespace ts::mqtt
