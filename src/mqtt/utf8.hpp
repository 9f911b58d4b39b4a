#pragma once
// UTF-8 validation (internal). The public is_valid_utf8 in codec.hpp also
// rejects U+0000; payloads with Payload Format Indicator 1 only need to be
// well-formed.
#include <string_view>

namespace ts::mqtt {

bool is_valid_utf8(std::string_view s);

namespace detail {
// Well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF);
// when allow_nul is false U+0000 is rejected too.
bool is_well_formed_utf8(std::string_view s, bool allow_nul);
}  // namespace detail

}  // namespace ts::mqtt
