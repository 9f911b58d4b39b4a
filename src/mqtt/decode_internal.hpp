#pragma once
// Per-packet body decoders (internal). Each reads the variable header and
// payload from `r` (the bytes after the fixed header) into `out`; on failure
// it returns false with the error recorded in `r`. decode() checks afterwards
// that the body was consumed exactly.
#include <cstdint>

#include "mqtt/byte_reader.hpp"
#include "mqtt/codec.hpp"

namespace ts::mqtt::detail {

bool decode_connect(ByteReader& r, Connect& out);
bool decode_connack(ByteReader& r, ProtocolVersion v, Connack& out);
bool decode_publish(ByteReader& r, std::uint8_t flags, ProtocolVersion v, Publish& out);
bool decode_pub_response(ByteReader& r, PacketType type, ProtocolVersion v, PubResponse& out);
bool decode_subscribe(ByteReader& r, ProtocolVersion v, Subscribe& out);
bool decode_suback(ByteReader& r, ProtocolVersion v, Suback& out);
bool decode_unsubscribe(ByteReader& r, ProtocolVersion v, Unsubscribe& out);
bool decode_unsuback(ByteReader& r, ProtocolVersion v, Unsuback& out);
bool decode_disconnect(ByteReader& r, ProtocolVersion v, Disconnect& out);
bool decode_auth(ByteReader& r, ProtocolVersion v, Auth& out);

// Whether a 5.0 packet of `type` may carry reason code `rc`.
bool is_valid_reason(PacketType type, std::uint8_t rc);
// 3.1.1 CONNACK return code (0..5) to the 5.0 reason code.
bool from_311_connack(std::uint8_t code, ReasonCode& out);

inline bool is_v5(ProtocolVersion v) {
    return v == ProtocolVersion::v5;
}

// Parses the fixed header at the start of `data` (shared by
// read_fixed_header and decode).
FrameResult parse_fixed_header(std::span<const std::uint8_t> data);

}  // namespace ts::mqtt::detail
