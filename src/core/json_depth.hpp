#pragma once
// Payloads from the network are checked for nesting depth before they are
// parsed, so that neither parsing nor copying nor printing the parsed tree
// recurses without bound (the thing layer and the rules engine both parse
// device payloads).
#include <string_view>

namespace ts {

// True when `s` nests objects and arrays at most `max_depth` levels deep
// (brackets inside strings do not count). Does not validate the JSON.
bool json_depth_within(std::string_view s, int max_depth);

}  // namespace ts
