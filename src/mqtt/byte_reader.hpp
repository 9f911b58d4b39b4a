#pragma once
// Bounded big-endian reader over one packet's bytes (internal to the codec).
// Every read checks the bound; the first failure records a reason code and a
// message and the read returns false, so decoders just propagate `false`.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "mqtt/reason_code.hpp"
#include "mqtt/utf8.hpp"

namespace ts::mqtt::detail {

struct DecodeError {
    ReasonCode reason = ReasonCode::MalformedPacket;
    const char* message = "";
};

class ByteReader {
public:
    explicit ByteReader(std::span<const std::uint8_t> data)
        : p_(data.data()), end_(data.data() + data.size()) {}

    std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
    bool empty() const { return p_ == end_; }
    const DecodeError& error() const { return err_; }

    // Records the error and returns false (for `return r.fail(...)`).
    bool fail(ReasonCode rc, const char* message) {
        err_ = {rc, message};
        return false;
    }
    bool fail(const DecodeError& e) { return fail(e.reason, e.message); }

    bool u8(std::uint8_t& v) {
        if (p_ == end_) return truncated();
        v = *p_++;
        return true;
    }
    bool u16(std::uint16_t& v) {
        if (remaining() < 2) return truncated();
        v = static_cast<std::uint16_t>((p_[0] << 8) | p_[1]);
        p_ += 2;
        return true;
    }
    bool u32(std::uint32_t& v) {
        if (remaining() < 4) return truncated();
        v = (std::uint32_t{p_[0]} << 24) | (std::uint32_t{p_[1]} << 16) |
            (std::uint32_t{p_[2]} << 8) | std::uint32_t{p_[3]};
        p_ += 4;
        return true;
    }
    // Variable Byte Integer (spec 1.5.5): at most 4 bytes; non-minimal
    // encodings are accepted.
    bool varint(std::uint32_t& v) {
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            if (p_ == end_) return truncated();
            const std::uint8_t b = *p_++;
            value |= std::uint32_t{b & 0x7Fu} << (7 * i);
            if ((b & 0x80) == 0) {
                v = value;
                return true;
            }
        }
        return fail(ReasonCode::MalformedPacket, "variable byte integer longer than 4 bytes");
    }

    // Binary Data (spec 1.5.6): two-byte length then the bytes.
    bool binary_view(std::string_view& v) {
        std::uint16_t len = 0;
        if (!u16(len)) return false;
        if (remaining() < len) return truncated();
        v = {reinterpret_cast<const char*>(p_), len};
        p_ += len;
        return true;
    }
    bool binary(std::string& v) {
        std::string_view sv;
        if (!binary_view(sv)) return false;
        v.assign(sv);
        return true;
    }
    // UTF-8 Encoded String (spec 1.5.4): ill-formed UTF-8 or U+0000 is a
    // Malformed Packet.
    bool utf8_view(std::string_view& v) {
        if (!binary_view(v)) return false;
        if (!is_valid_utf8(v)) return fail(ReasonCode::MalformedPacket, "invalid UTF-8 string");
        return true;
    }
    bool utf8(std::string& v) {
        std::string_view sv;
        if (!utf8_view(sv)) return false;
        v.assign(sv);
        return true;
    }

    // The next n bytes (n <= remaining()) as a reader of their own; this
    // reader moves past them.
    ByteReader take(std::size_t n) {
        ByteReader sub({p_, n});
        p_ += n;
        return sub;
    }
    // Everything left, consumed.
    std::span<const std::uint8_t> rest() {
        std::span<const std::uint8_t> s{p_, remaining()};
        p_ = end_;
        return s;
    }

private:
    bool truncated() { return fail(ReasonCode::MalformedPacket, "packet truncated"); }

    const std::uint8_t* p_;
    const std::uint8_t* end_;
    DecodeError err_;
};

}  // namespace ts::mqtt::detail
