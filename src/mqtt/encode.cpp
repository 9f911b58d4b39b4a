// encode, encode_publish_header, encoded_size: the fixed header (spec 2.1)
// around the bodies of encode_bodies.hpp. The body is measured first, then
// written straight into the caller's vector after one reserve().
#include "mqtt/codec.hpp"
#include "mqtt/encode_bodies.hpp"

namespace ts::mqtt {
namespace {

using detail::SizeCounter;
using detail::VecWriter;

std::uint8_t first_byte(const Connect&) {
    return 0x10;
}
std::uint8_t first_byte(const Connack&) {
    return 0x20;
}
std::uint8_t publish_first_byte(QoS q, bool dup, bool retain) {
    const auto qos = static_cast<std::uint8_t>(static_cast<std::uint8_t>(q) & 0x03);
    std::uint8_t b = static_cast<std::uint8_t>(0x30 | (qos << 1));
    if (dup && qos != 0) b |= 0x08;  // DUP must be 0 for QoS 0
    if (retain) b |= 0x01;
    return b;
}
std::uint8_t first_byte(const Publish& p) {
    return publish_first_byte(p.qos, p.dup, p.retain);
}
std::uint8_t first_byte(const PubResponse& p) {
    const auto t = static_cast<std::uint8_t>(p.type);
    return static_cast<std::uint8_t>((t << 4) | (p.type == PacketType::Pubrel ? 0x02 : 0x00));
}
std::uint8_t first_byte(const Subscribe&) {
    return 0x82;
}
std::uint8_t first_byte(const Suback&) {
    return 0x90;
}
std::uint8_t first_byte(const Unsubscribe&) {
    return 0xA2;
}
std::uint8_t first_byte(const Unsuback&) {
    return 0xB0;
}
std::uint8_t first_byte(const Pingreq&) {
    return 0xC0;
}
std::uint8_t first_byte(const Pingresp&) {
    return 0xD0;
}
std::uint8_t first_byte(const Disconnect&) {
    return 0xE0;
}
std::uint8_t first_byte(const Auth&) {
    return 0xF0;
}

// 3.1.1 has no AUTH packet: nothing is written for it.
template <typename T>
bool exists_in(ProtocolVersion v) {
    return !std::is_same_v<T, Auth> || v == ProtocolVersion::v5;
}

template <typename T>
std::uint32_t body_size(const T& p, ProtocolVersion v) {
    SizeCounter c;
    detail::write_body(c, p, v);
    return static_cast<std::uint32_t>(c.size());
}

std::size_t frame_size(std::uint32_t remaining) {
    return 1 + detail::varint_size(remaining) + remaining;
}

}  // namespace

void encode(const Packet& packet, ProtocolVersion version, std::vector<std::uint8_t>& out) {
    std::visit(
        [&](const auto& p) {
            using T = std::decay_t<decltype(p)>;
            if (!exists_in<T>(version)) return;
            const std::uint32_t remaining = body_size(p, version);
            out.reserve(out.size() + frame_size(remaining));
            VecWriter w(out);
            w.u8(first_byte(p));
            w.varint(remaining);
            detail::write_body(w, p, version);
        },
        packet);
}

void encode_publish_header(const Publish& p, ProtocolVersion version,
                           std::vector<std::uint8_t>& out) {
    SizeCounter c;
    detail::write_publish(c, p, version, false);
    const auto header_body = static_cast<std::uint32_t>(c.size());
    const auto remaining = static_cast<std::uint32_t>(header_body + p.payload.size());
    out.reserve(out.size() + 1 + detail::varint_size(remaining) + header_body);
    VecWriter w(out);
    w.u8(first_byte(p));
    w.varint(remaining);
    detail::write_publish(w, p, version, false);
}

void encode_plain_publish_header(const PlainPublishHeader& h, ProtocolVersion version,
                                 std::vector<std::uint8_t>& out) {
    const bool has_id = h.qos != QoS::AtMostOnce;
    const bool v5 = version == ProtocolVersion::v5;
    const auto header_body =
        static_cast<std::uint32_t>(2 + h.topic.size() + (has_id ? 2 : 0) + (v5 ? 1 : 0));
    const auto remaining = static_cast<std::uint32_t>(header_body + h.payload_size);
    out.reserve(out.size() + 1 + detail::varint_size(remaining) + header_body);
    VecWriter w(out);
    w.u8(publish_first_byte(h.qos, h.dup, h.retain));
    w.varint(remaining);
    w.str(h.topic);
    if (has_id) w.u16(h.packet_id);
    if (v5) w.u8(0);  // property length
}

std::size_t encoded_size(const Packet& packet, ProtocolVersion version) {
    return std::visit(
        [&](const auto& p) -> std::size_t {
            using T = std::decay_t<decltype(p)>;
            if (!exists_in<T>(version)) return 0;
            return frame_size(body_size(p, version));
        },
        packet);
}

}  // namespace ts::mqtt
