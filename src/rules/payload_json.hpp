#pragma once
// A message payload as rules see it: parsed once, or "not JSON" (discarded)
// when it does not parse or nests deeper than kMaxPayloadDepth levels
// (copying or printing such a tree, as SELECT * does, would recurse once per
// level).
#include <string_view>

#include <nlohmann/json.hpp>

namespace ts::rules {

inline constexpr int kMaxPayloadDepth = 64;

nlohmann::json parse_payload(std::string_view payload);

}  // namespace ts::rules
