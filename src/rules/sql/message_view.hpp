#pragma once
// What a rule sees of one message: the topic, the raw payload and its parsed
// JSON form (parsed once per message, shared by every rule it matches), and
// the facts the SQL functions expose (deviceName(), clientIp(), ...).
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ts::rules {

struct MessageView {
    std::string_view topic;
    std::string_view payload;              // raw bytes as published
    const nlohmann::json* json = nullptr;  // parsed payload; null when it is not JSON
    std::string_view product_key;          // of the publishing device; empty for others
    std::string_view device_name;
    std::string_view client_ip;
    std::string_view message_id;    // unique per message (decimal text)
    std::int64_t timestamp_ms = 0;  // wall clock when the platform received it
};

}  // namespace ts::rules
