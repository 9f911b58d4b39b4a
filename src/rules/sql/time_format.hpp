#pragma once
// timestamp('yyyy-MM-dd HH:mm:ss'): epoch milliseconds as UTC text.
#include <cstdint>
#include <string>
#include <string_view>

namespace ts::rules::sql {

// Patterns: yyyy (year), yy, MM, dd, HH (00-23), mm, ss, SSS (millis).
// Every other character is copied as is.
std::string format_utc(std::int64_t epoch_ms, std::string_view pattern);

}  // namespace ts::rules::sql
