#include "core/base64.hpp"

#include <boost/beast/core/detail/base64.hpp>

namespace ts {
namespace {

bool in_alphabet(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view s) {
    std::size_t data = s.size();
    while (data > 0 && s.size() - data < 2 && s[data - 1] == '=') --data;
    bool padded = data != s.size();
    if (padded ? s.size() % 4 != 0 : s.size() % 4 == 1) return std::nullopt;
    for (std::size_t i = 0; i < data; ++i)
        if (!in_alphabet(s[i])) return std::nullopt;

    namespace b64 = boost::beast::detail::base64;
    // Not b64::decoded_size(): it rounds down and assumes padded input.
    std::string out((data + 3) / 4 * 3, '\0');
    auto [written, read] = b64::decode(out.data(), s.data(), data);
    if (read != data) return std::nullopt;
    out.resize(written);
    return out;
}

std::string base64_encode(std::string_view bytes) {
    namespace b64 = boost::beast::detail::base64;
    std::string out(b64::encoded_size(bytes.size()), '\0');
    out.resize(b64::encode(out.data(), bytes.data(), bytes.size()));
    return out;
}

}  // namespace ts
