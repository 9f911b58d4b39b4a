#pragma once
// Alibaba's MQTT CONNECT signing (PROTOCOL.md section 1.2): the clientId
// carries parameters between `|` characters, the username is
// "{deviceName}&{productKey}", and the password is the hex HMAC of the
// sorted parameters keyed by the device secret.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ts::registry {

struct SignedClientId {
    std::string client_id;                      // the part before the first '|'
    std::map<std::string, std::string> params;  // securemode, signmethod, timestamp, ...
};

// nullopt when `raw` has no parameter block ("id|k=v,...|"); the block runs
// to the last '|'. Unknown keys and a trailing comma are accepted.
std::optional<SignedClientId> parse_signed_client_id(std::string_view raw);

struct DeviceUsername {
    std::string device_name;
    std::string product_key;
};
// "{deviceName}&{productKey}"; nullopt when malformed.
std::optional<DeviceUsername> parse_device_username(std::string_view username);

// The HMAC content: "clientId{cid}deviceName{dn}productKey{pk}timestamp{ts}",
// with clientId and timestamp only when present in the clientId.
std::string signing_content(const SignedClientId& id, const DeviceUsername& user);

// hex(HMAC-<method>(secret, content)); method is hmacmd5, hmacsha1 or
// hmacsha256 (case-insensitive); nullopt for an unknown method.
std::optional<std::string> sign(std::string_view method, std::string_view secret,
                                std::string_view content);

// Checks `password` against the declared method (hmacmd5 when absent), then,
// because Alibaba's npm SDK always signs with SHA-1, against hmacsha1.
// Hex compared case-insensitively, in constant time.
bool verify_password(const SignedClientId& id, const DeviceUsername& user, std::string_view secret,
                     std::string_view password);

}  // namespace ts::registry
