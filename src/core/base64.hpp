#pragma once
// Strict base64 (RFC 4648 standard alphabet) for message payloads. Boost's
// decoder does the work; this adds what it leaves out: it stops quietly at
// the first character outside the alphabet, and a bad payload must be a 400,
// not a silently shortened message.
#include <optional>
#include <string>
#include <string_view>

namespace ts {

// nullopt unless `s` is base64: alphabet A-Z a-z 0-9 + /, padding '=' only at
// the end and only to a multiple of 4; unpadded input is accepted when its
// length could have been padded (not 1 mod 4). No whitespace.
std::optional<std::string> base64_decode(std::string_view s);
std::string base64_encode(std::string_view bytes);

}  // namespace ts
