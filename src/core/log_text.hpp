#pragma once
// Client-supplied text (client ids, topics, user names) as a log line may
// carry it.
#include <cstddef>
#include <string>
#include <string_view>

namespace ts::log {

// At most `max` bytes (cut with "..." and the full length), control
// characters, quotes and backslashes escaped: a client cannot make a line
// long or forge lines of its own.
std::string text(std::string_view s, std::size_t max = 64);

}  // namespace ts::log
