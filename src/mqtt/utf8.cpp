// UTF-8 validation (spec 1.5.4, RFC 3629). ASCII runs are checked eight bytes
// at a time: topics, client ids and most payloads are ASCII.
#include "mqtt/utf8.hpp"

#include <cstdint>
#include <cstring>

#include "mqtt/codec.hpp"

namespace ts::mqtt {

namespace detail {

bool is_well_formed_utf8(std::string_view s, bool allow_nul) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* const end = p + s.size();
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    constexpr std::uint64_t kLow = 0x0101010101010101ULL;
    while (p != end) {
        // Fast path: eight ASCII bytes, none of them zero (unless allowed).
        while (end - p >= 8) {
            std::uint64_t w;
            std::memcpy(&w, p, 8);
            if (w & kHigh) break;
            if (!allow_nul && ((w - kLow) & ~w & kHigh)) return false;
            p += 8;
        }
        if (p == end) break;
        const unsigned char c = *p;
        if (c < 0x80) {
            if (c == 0 && !allow_nul) return false;
            ++p;
            continue;
        }
        std::size_t n;
        std::uint32_t cp;
        std::uint32_t min;
        if ((c & 0xE0) == 0xC0) {
            n = 2;
            cp = c & 0x1Fu;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3;
            cp = c & 0x0Fu;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4;
            cp = c & 0x07u;
            min = 0x10000;
        } else {
            return false;  // continuation byte or 0xF8..0xFF as a lead byte
        }
        if (static_cast<std::size_t>(end - p) < n) return false;
        for (std::size_t i = 1; i < n; ++i) {
            const unsigned char cc = p[i];
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        if (cp < min) return false;                      // overlong
        if (cp > 0x10FFFF) return false;                 // beyond Unicode
        if (cp >= 0xD800 && cp <= 0xDFFF) return false;  // surrogate
        p += n;
    }
    return true;
}

}  // namespace detail

bool is_valid_utf8(std::string_view s) {
    return detail::is_well_formed_utf8(s, false);
}

}  // namespace ts::mqtt
