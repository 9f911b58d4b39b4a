#include "core/log_text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ts::log {

std::string text(std::string_view s, std::size_t max) {
    std::string out;
    const std::size_t shown = std::min(s.size(), max);
    out.reserve(shown + 16);
    for (std::size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
            out += fmt::format("\\x{:02x}", c);
        else
            out += static_cast<char>(c);
    }
    if (shown < s.size()) out += fmt::format("...({} bytes)", s.size());
    return out;
}

}  // namespace ts::log
