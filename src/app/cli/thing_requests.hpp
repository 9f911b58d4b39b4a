#pragma once
// What the thing-model and device-data subcommands send (thing_routes.cpp on
// the server): the product's TSL document, a device's properties, history,
// events, property sets, service calls and shadow.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "app/cli/requests.hpp"
#include "core/expected.hpp"

namespace ts::app::cli {

// The text of a JSON-valued option (--params, --desired) as a JSON object,
// or also null when `null_ok`; the error says what is wrong with it, for a
// message naming the option.
Expected<nlohmann::json, std::string> parse_json_object(std::string_view text,
                                                        bool null_ok = false);

// -- thing model
ApiRequest thing_model_get(const std::string& pk);
ApiRequest thing_model_set(const std::string& pk, nlohmann::json tsl);

// -- device data
// The window and page of a history read: from/to in ms since the epoch,
// both inclusive; the server's defaults when absent.
struct TimeRange {
    std::optional<std::int64_t> from, to;
    Paging paging;
};

ApiRequest device_properties(const std::string& pk, const std::string& dn);
ApiRequest device_property_history(const std::string& pk, const std::string& dn,
                                   const std::string& identifier, const TimeRange& range);
// Every event of the device, or only those of `identifier`.
ApiRequest device_events(const std::string& pk, const std::string& dn,
                         const std::optional<std::string>& identifier, const TimeRange& range);
ApiRequest device_set_properties(const std::string& pk, const std::string& dn,
                                 nlohmann::json params);
ApiRequest device_invoke_service(const std::string& pk, const std::string& dn,
                                 const std::string& service,
                                 const std::optional<nlohmann::json>& params,
                                 std::optional<int> timeout_ms);
ApiRequest device_shadow_get(const std::string& pk, const std::string& dn);
// Only desired values are written from the API (null clears them all);
// `version`, when given, must be the shadow's current version + 1.
ApiRequest device_shadow_update(const std::string& pk, const std::string& dn,
                                nlohmann::json desired, std::optional<std::int64_t> version);

}  // namespace ts::app::cli
