#pragma once
// Percent-encoding (RFC 3986 §2.1): every byte `keep` refuses becomes %XX
// (upper-case hex). The caller says which bytes stand as they are: the
// unreserved set for a path segment or query part, more for a whole target.
#include <string>
#include <string_view>

namespace ts {

inline bool is_unreserved_uri_byte(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

template <typename Keep>
std::string percent_encode(std::string_view s, Keep keep) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (keep(c)) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0F];
        }
    }
    return out;
}

}  // namespace ts
