#pragma once
// Writers used by the encoder (internal). Every encoding function is written
// once against the Writer interface and instantiated for both: SizeCounter
// computes lengths (remaining length, property length, encoded_size) and
// VecWriter appends to the output vector, so sizes and bytes cannot disagree.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ts::mqtt::detail {

// Strings and binary data longer than this are truncated when encoding (the
// two-byte length prefix cannot say more); callers are expected to validate.
inline constexpr std::size_t kMaxString = 65535;

inline std::size_t varint_size(std::uint32_t v) {
    return v < 128u ? 1 : v < 16384u ? 2 : v < 2097152u ? 3 : 4;
}

class SizeCounter {
public:
    void u8(std::uint8_t) { n_ += 1; }
    void u16(std::uint16_t) { n_ += 2; }
    void u32(std::uint32_t) { n_ += 4; }
    void varint(std::uint32_t v) { n_ += varint_size(v); }
    void bytes(const void*, std::size_t len) { n_ += len; }
    void str(std::string_view s) { n_ += 2 + std::min(s.size(), kMaxString); }
    std::size_t size() const { return n_; }

private:
    std::size_t n_ = 0;
};

class VecWriter {
public:
    explicit VecWriter(std::vector<std::uint8_t>& out) : out_(out) {}
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v) {
        const std::uint8_t b[2] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
        out_.insert(out_.end(), b, b + 2);
    }
    void u32(std::uint32_t v) {
        const std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24),
                                   static_cast<std::uint8_t>(v >> 16),
                                   static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
        out_.insert(out_.end(), b, b + 4);
    }
    void varint(std::uint32_t v) {
        std::uint8_t b[4];
        std::size_t n = 0;
        do {
            std::uint8_t byte = v & 0x7F;
            v >>= 7;
            if (v != 0) byte |= 0x80;
            b[n++] = byte;
        } while (v != 0 && n < 4);
        out_.insert(out_.end(), b, b + n);
    }
    void bytes(const void* data, std::size_t len) {
        if (len == 0) return;
        const auto* p = static_cast<const std::uint8_t*>(data);
        out_.insert(out_.end(), p, p + len);
    }
    void str(std::string_view s) {
        const std::size_t len = std::min(s.size(), kMaxString);
        u16(static_cast<std::uint16_t>(len));
        bytes(s.data(), len);
    }

private:
    std::vector<std::uint8_t>& out_;
};

}  // namespace ts::mqtt::detail
