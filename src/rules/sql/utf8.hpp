#pragma once
// UTF-8 helpers. Every string a rule produces must be valid UTF-8: rows are
// serialised as JSON, and nlohmann::json throws on invalid bytes. Payloads
// arrive as arbitrary bytes, so payload() repairs them; string functions
// count and cut in code points so they never split a character.
#include <cstddef>
#include <string>
#include <string_view>

namespace ts::rules::sql {

// Offset of the first byte that is not part of a well-formed UTF-8 sequence,
// or npos when the text is valid.
std::size_t find_invalid_utf8(std::string_view s);

// The text with each invalid byte replaced by U+FFFD.
std::string repair_utf8(std::string_view s);

// Length of the sequence starting with lead byte c (1 for a stray byte), so
// walking valid text by it visits code points.
std::size_t utf8_sequence_length(unsigned char c);

std::size_t utf8_length(std::string_view s);

// Byte offset of code point number `n` (0-based); s.size() when past the end.
std::size_t utf8_offset(std::string_view s, std::size_t n);

}  // namespace ts::rules::sql
