#pragma once
// Helpers shared by the codec tests: byte-vector builders and shortcuts for
// decode/encode.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt/codec.hpp"

namespace ts::mqtt::test {

using Bytes = std::vector<std::uint8_t>;
constexpr auto V31 = ProtocolVersion::v31;
constexpr auto V311 = ProtocolVersion::v311;
constexpr auto V5 = ProtocolVersion::v5;

inline Bytes hex(std::string_view h) {
    Bytes out;
    auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 0; i + 1 < h.size();) {
        if (h[i] == ' ') {
            ++i;
            continue;
        }
        out.push_back(static_cast<std::uint8_t>(nib(h[i]) << 4 | nib(h[i + 1])));
        i += 2;
    }
    return out;
}

// Incremental body builder.
struct B {
    Bytes b;
    B& u8(int v) {
        b.push_back(static_cast<std::uint8_t>(v));
        return *this;
    }
    B& u16(int v) { return u8(v >> 8).u8(v & 0xFF); }
    B& u32(std::uint32_t v) {
        return u16(static_cast<int>(v >> 16)).u16(static_cast<int>(v & 0xFFFF));
    }
    B& str(std::string_view s) {
        u16(static_cast<int>(s.size()));
        b.insert(b.end(), s.begin(), s.end());
        return *this;
    }
    B& raw(std::string_view s) {
        b.insert(b.end(), s.begin(), s.end());
        return *this;
    }
    B& bytes(const Bytes& x) {
        b.insert(b.end(), x.begin(), x.end());
        return *this;
    }
    // A property block: varint length + contents.
    B& props(const Bytes& x) { return varint(static_cast<std::uint32_t>(x.size())).bytes(x); }
    B& varint(std::uint32_t v) {
        do {
            std::uint8_t byte = v & 0x7F;
            v >>= 7;
            if (v) byte |= 0x80;
            b.push_back(byte);
        } while (v);
        return *this;
    }
};

// Whole packet: first byte + remaining length + body.
inline Bytes frame(int first_byte, const Bytes& body) {
    B p;
    p.u8(first_byte).varint(static_cast<std::uint32_t>(body.size())).bytes(body);
    return p.b;
}

inline Bytes enc(const Packet& p, ProtocolVersion v) {
    Bytes out;
    encode(p, v, out);
    return out;
}

inline CodecResult<Packet> dec(const Bytes& b, ProtocolVersion v) {
    return decode(b, v);
}

// The reason code decode fails with, or Success when it does not fail.
inline ReasonCode err(const Bytes& b, ProtocolVersion v) {
    auto r = decode(b, v);
    return r ? ReasonCode::Success : r.error().reason;
}

template <typename T>
T dec_as(const Bytes& b, ProtocolVersion v) {
    auto r = decode(b, v);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    if (!r) return T{};
    EXPECT_TRUE(std::holds_alternative<T>(*r));
    if (!std::holds_alternative<T>(*r)) return T{};
    return std::get<T>(std::move(*r));
}

inline SharedBuffer buf(std::string_view s) {
    return SharedBuffer::copy_of(s);
}

}  // namespace ts::mqtt::test
