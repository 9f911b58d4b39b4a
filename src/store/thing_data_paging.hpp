#pragma once
// Keyset paging of the history tables: a page token names the last row
// returned, by (time, seq), and the next page starts strictly below it.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/expected.hpp"

namespace ts::store {

inline constexpr std::size_t kMaxPageLimit = 1000;

// The position after which a page starts, in (time desc, seq desc) order.
struct PageCursor {
    std::int64_t time_ms = std::numeric_limits<std::int64_t>::max();
    std::int64_t seq = std::numeric_limits<std::int64_t>::max();
};

std::string encode_page_token(const PageCursor& cursor);
// An empty token is the first page. Anything this build did not produce
// fails with the message "invalid page token".
Expected<PageCursor, Error> decode_page_token(std::string_view token);

// 0 would ask for nothing and huge limits for unbounded memory: 1..1000.
inline std::size_t clamp_page_limit(std::size_t limit) {
    return limit < 1 ? 1 : (limit > kMaxPageLimit ? kMaxPageLimit : limit);
}

}  // namespace ts::store
