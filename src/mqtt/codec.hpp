#pragma once
// Encoding and decoding of MQTT packets: bytes in, values out, no I/O.
//
// Reading a stream is two steps: read_fixed_header() on the bytes buffered so
// far says whether a whole packet is there and how long it is; decode() turns
// that packet's bytes into a Packet. Every malformed input is an error value
// carrying the 5.0 reason code the broker sends back (or, in 3.1.1, closes on).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.hpp"
#include "mqtt/packets.hpp"

namespace ts::mqtt {

struct CodecError {
    ReasonCode reason = ReasonCode::MalformedPacket;
    std::string message;  // names the rule broken, for logs and reason strings
};

template <typename T>
using CodecResult = Expected<T, CodecError>;

struct FixedHeader {
    std::uint8_t first_byte = 0;  // packet type << 4 | flags
    std::uint32_t remaining_length = 0;
    std::uint8_t header_length = 0;  // 2..5 bytes
    PacketType type() const { return static_cast<PacketType>(first_byte >> 4); }
    std::uint8_t flags() const { return first_byte & 0x0F; }
    std::size_t total_length() const { return header_length + std::size_t{remaining_length}; }
};

enum class FrameStatus { Complete, NeedMore, Error };

struct FrameResult {
    FrameStatus status = FrameStatus::NeedMore;
    FixedHeader header;
    CodecError error;  // when status == Error
};

// Looks at the start of `data`. Complete when the whole packet is buffered;
// NeedMore otherwise; Error for a remaining length over 4 bytes, a packet type
// of 0, or a total length over max_packet_size (PacketTooLarge).
FrameResult read_fixed_header(std::span<const std::uint8_t> data, std::uint32_t max_packet_size);

// Decodes one whole packet (fixed header included, as framed by
// read_fixed_header). `version` is the connection's negotiated version; a
// CONNECT is decoded whatever it is and carries its own version. Checks the
// normative rules the codec can see alone: reserved flags, lengths, UTF-8
// validity and U+0000, wildcards in PUBLISH topics, packet id 0 where one is
// required, QoS 3, properties allowed for the packet type and not repeated,
// empty SUBSCRIBE/UNSUBSCRIBE lists, invalid topic filters.
CodecResult<Packet> decode(std::span<const std::uint8_t> packet, ProtocolVersion version);

// Appends the encoding of `p` for `version` to `out`.
void encode(const Packet& p, ProtocolVersion version, std::vector<std::uint8_t>& out);

// Appends everything of a PUBLISH except its payload (fixed header with the
// remaining length that includes the payload, topic, packet id, properties):
// fan-out writes this header and then the shared payload with writev.
void encode_publish_header(const Publish& p, ProtocolVersion version,
                           std::vector<std::uint8_t>& out);

// The same header for a PUBLISH without properties (3.1.1, or 5.0 with an
// empty property list), written straight from its parts: the broker's path
// for every delivery that needs nothing per subscriber, without building a
// Publish (and copying the topic) for each one.
struct PlainPublishHeader {
    std::string_view topic;
    QoS qos = QoS::AtMostOnce;
    bool retain = false;
    bool dup = false;
    std::uint16_t packet_id = 0;
    std::size_t payload_size = 0;
};
void encode_plain_publish_header(const PlainPublishHeader& h, ProtocolVersion version,
                                 std::vector<std::uint8_t>& out);

// Size in bytes of the whole encoded packet, to honour a client's
// Maximum Packet Size before sending.
std::size_t encoded_size(const Packet& p, ProtocolVersion version);

// Validation helpers shared with the broker.
bool is_valid_utf8(std::string_view s);               // well-formed, no U+0000, no surrogates
bool is_valid_topic_name(std::string_view topic);     // non-empty, no wildcards
bool is_valid_topic_filter(std::string_view filter);  // wildcard placement rules

}  // namespace ts::mqtt
