#pragma once
// Decoding and encoding of 5.0 property blocks (spec 2.2.2), internal.
#include <cstdint>

#include "mqtt/byte_reader.hpp"
#include "mqtt/byte_writer.hpp"
#include "mqtt/packets.hpp"
#include "mqtt/properties.hpp"

namespace ts::mqtt::detail {

// Where a property block sits: a packet type, or the will properties of a
// CONNECT (packet type 0 is reserved, so it names the will).
enum class PropertyContext : std::uint8_t {
    Will = 0,
    Connect = 1,
    Connack = 2,
    Publish = 3,
    Puback = 4,
    Pubrec = 5,
    Pubrel = 6,
    Pubcomp = 7,
    Subscribe = 8,
    Suback = 9,
    Unsubscribe = 10,
    Unsuback = 11,
    Disconnect = 14,
    Auth = 15,
};

inline PropertyContext context_of(PacketType t) {
    return static_cast<PropertyContext>(t);
}

// Bit n set: property id n may appear in `ctx`.
std::uint64_t allowed_properties(PropertyContext ctx);

// Reads Property Length and the properties. Unknown ids and truncation are
// MalformedPacket; an id not allowed in `ctx`, a repeated non-repeatable
// property or an out-of-range value is ProtocolError (Topic Alias 0 is
// TopicAliasInvalid).
bool decode_properties(ByteReader& r, PropertyContext ctx, Properties& out);

// Writes Property Length and the properties allowed in `ctx` (others are
// skipped, so a reused Properties value never yields a protocol error).
void encode_properties(VecWriter& w, const Properties& p, PropertyContext ctx);
void encode_properties(SizeCounter& w, const Properties& p, PropertyContext ctx);

// True when encode_properties would write no property (length 0).
bool has_properties(const Properties& p, PropertyContext ctx);

}  // namespace ts::mqtt::detail
