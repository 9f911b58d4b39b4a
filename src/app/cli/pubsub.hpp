#pragma once
// The pieces of `thingstead pub` / `sub` that need no network: where the
// broker is, who the client signs in as, and how a received message prints.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "app/cli/mqtt_client.hpp"
#include "core/expected.hpp"

namespace ts::app::cli {

// "host", "host:port", "[v6]:port"; `default_port` when none is given.
Expected<std::pair<std::string, std::string>, std::string> parse_host_port(
    std::string_view address, std::string_view default_port);

struct Identity {
    enum class Kind { Anonymous, Device, Application };
    Kind kind = Kind::Anonymous;
    std::string product_key, device_name, device_secret;  // Device
    std::string token;                                    // Application
};

// A device needs all of --product/--device/--secret; a device and --token
// exclude each other; $THINGSTEAD_TOKEN (`env_token`) only counts when no
// device is given. The error names what is missing or conflicting.
Expected<Identity, std::string> choose_identity(const std::string& product,
                                                const std::string& device,
                                                const std::string& secret,
                                                const std::string& token_flag,
                                                const std::string& env_token);

// Fills client id, username and password for `who`. Devices sign exactly as
// Alibaba's SDKs do: clientId "{pk}.{dn}|securemode=3,signmethod=hmacsha256,
// timestamp={ms}|" (securemode=2 over TLS), username "{dn}&{pk}", password
// hex HMAC-SHA256 of the sorted parameters keyed by the device secret.
// `unique` makes the client ids of applications and anonymous clients
// distinct per process.
void apply_identity(const Identity& who, std::int64_t timestamp_ms, std::string_view unique,
                    MqttConnectOptions& options);

// One received message as `sub` prints it: "topic payload" or, with
// `json`, {"topic","payload","qos","retain"} on one line. Payloads that are
// not UTF-8 text go out base64-encoded with "payloadEncoding":"base64".
std::string format_message(const mqtt::Publish& p, bool json);

}  // namespace ts::app::cli
