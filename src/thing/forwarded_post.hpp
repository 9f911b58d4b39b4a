#pragma once
// The property post as forwarded to server-side subscribers on
// /{pk}/{dn}/thing/event/property/post (PROTOCOL.md 3.16).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/thing_data.hpp"

namespace ts::thing {

// {"checkFailedData"?, "deviceName", "gmtCreate", "iotId", "items":
// {id: {"time", "value"}}, "productKey"}: each accepted value's JSON text
// as the store keeps it, failed_items (id -> {value, time, code, message})
// only when not empty.
std::string forwarded_post(const std::string& pk, const std::string& dn, std::int64_t received,
                           const std::vector<store::PropertyValue>& accepted,
                           const nlohmann::json& failed_items);

}  // namespace ts::thing
