#include "rules/payload_json.hpp"

#include "core/json_depth.hpp"

namespace ts::rules {

namespace {

// Binary payloads are common (raw device protocols) and fail to parse on
// their first byte; the parser would still build an error message for each.
bool may_be_json(std::string_view payload) {
    for (char c : payload) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' ||
               c == 'f' || c == 'n';
    }
    return false;
}

}  // namespace

nlohmann::json parse_payload(std::string_view payload) {
    if (!may_be_json(payload) || !json_depth_within(payload, kMaxPayloadDepth))
        return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
}

}  // namespace ts::rules
