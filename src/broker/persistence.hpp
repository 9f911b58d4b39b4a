#pragma once
// Conversions between the broker's in-memory state and the store's records.
#include <memory>
#include <string>

#include "mqtt/properties.hpp"

namespace ts::broker {

// MQTT 5 properties of a message as an opaque blob for the store ("" when none).
std::string encode_properties(const mqtt::Properties* p);
// The inverse; nullptr for "" or a blob that does not decode.
std::shared_ptr<const mqtt::Properties> decode_properties(const std::string& blob);

}  // namespace ts::broker
