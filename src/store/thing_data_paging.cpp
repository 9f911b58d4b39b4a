#include "store/thing_data_paging.hpp"

#include <fmt/format.h>

#include <charconv>
#include <system_error>

#include "store/store_error.hpp"

namespace ts::store {

namespace {

// The version prefix lets a later build change the encoding and still tell
// old tokens apart.
constexpr std::string_view kPrefix = "v1.";

bool parse_int64(std::string_view text, std::int64_t& out) {
    if (text.empty()) return false;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc{} && ptr == end;
}

}  // namespace

std::string encode_page_token(const PageCursor& cursor) {
    return fmt::format("{}{}.{}", kPrefix, cursor.time_ms, cursor.seq);
}

Expected<PageCursor, Error> decode_page_token(std::string_view token) {
    if (token.empty()) return PageCursor{};
    // Tokens come from API clients: untrusted input, an error value. The
    // message is fixed, since callers recognise it (StoreErrc has no
    // invalid-argument category).
    auto invalid = [] {
        return unexpected(make_error(StoreErrc::invalid_argument, "invalid page token"));
    };
    if (!token.starts_with(kPrefix)) return invalid();
    token.remove_prefix(kPrefix.size());
    // The time may be negative, so the separator is the last '.'.
    const auto dot = token.rfind('.');
    if (dot == std::string_view::npos) return invalid();
    PageCursor c;
    if (!parse_int64(token.substr(0, dot), c.time_ms)) return invalid();
    if (!parse_int64(token.substr(dot + 1), c.seq) || c.seq < 0) return invalid();
    return c;
}

}  // namespace ts::store
