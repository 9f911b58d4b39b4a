#pragma once
// Registered devices the bench signs in as: their credentials, read from the
// CSV `thingstead device batch --csv` writes or from the API's batch reply,
// and the CONNECT each one sends, signed as Alibaba's SDKs sign
// (PROTOCOL.md 1.2). Pure, so it is unit-tested alone.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "app/bench/options.hpp"
#include "core/expected.hpp"
#include "mqtt/packets.hpp"

namespace ts::app::bench {

struct DeviceCredential {
    std::string product_key;
    std::string device_name;
    std::string device_secret;
};

// "productKey,deviceName,deviceSecret" then one device a line; columns found
// by the header's names, so their order does not matter. Blank lines are
// skipped; the error names the line that is wrong.
Expected<std::vector<DeviceCredential>, std::string> parse_credentials_csv(std::string_view text);

// The devices in a batch registration reply ({"items": [{productKey,
// deviceName, deviceSecret}]}); the error says what is missing.
Expected<std::vector<DeviceCredential>, std::string> credentials_from_batch_reply(
    const nlohmann::json& reply);

// clientId "{pk}.{dn}|securemode=3,signmethod=hmacsha256,timestamp={ms}|",
// username "{dn}&{pk}", password hex HMAC-SHA256(secret,
// "clientId{pk}.{dn}deviceName{dn}productKey{pk}timestamp{ms}").
void sign_in_as(const DeviceCredential& device, std::int64_t timestamp_ms, mqtt::Connect& connect);

// Client `index` signs in as devices[index]; the bench never asks for more
// clients than it has devices. The timestamp is taken once, now.
IdentityHook device_identity(std::vector<DeviceCredential> devices);

}  // namespace ts::app::bench
