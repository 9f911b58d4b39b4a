#include "rules/payload_json.hpp"

#include "core/json_depth.hpp"

namespace ts::rules {

nlohmann::json parse_payload(std::string_view payload) {
    if (!json_depth_within(payload, kMaxPayloadDepth))
        return nlohmann::json(nlohmann::json::value_t::discarded);
    return nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
}

}  // namespace ts::rules
