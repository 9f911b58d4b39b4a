#pragma once
// Products, devices and custom topic classes as the registry keeps them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ts::registry {

enum class NodeType { Device, Gateway };
enum class DataFormat { Alink, Raw };
enum class AuthType { Secret, X509 };
enum class DeviceStatus { Inactive, Online, Offline, Disabled };
enum class TopicPermission { Publish, Subscribe, All };
// How a device's property posts are checked against the product's thing
// model. Strict: a post with any invalid property is rejected whole.
// Lenient: the valid properties are stored and the failures listed. Off: no
// checks.
enum class ValidationMode { Strict, Lenient, Off };

struct Product {
    std::string product_key;  // 11 characters, generated
    std::string name;
    NodeType node_type = NodeType::Device;
    DataFormat data_format = DataFormat::Alink;
    AuthType auth_type = AuthType::Secret;
    std::string product_secret;  // 16 characters, generated (dynamic registration)
    std::string description;
    std::int64_t created_time = 0;  // ms since the Unix epoch
    ValidationMode validation_mode = ValidationMode::Strict;
};

struct Device {
    std::string product_key;
    std::string device_name;
    std::string device_secret;  // 32 characters; plain text in memory only
    bool enabled = true;
    bool online = false;
    std::int64_t created_time = 0;
    std::int64_t first_online_time = 0;  // 0: never connected ("inactive")
    std::int64_t last_online_time = 0;
    std::string ip_address;
    std::map<std::string, std::string> tags;
    // What the device last reported on /ota/device/inform, by module;
    // firmware_version is the "default" module's ("" when not reported).
    std::map<std::string, std::string> firmware_versions;
    std::string firmware_version;

    DeviceStatus status() const {
        if (!enabled) return DeviceStatus::Disabled;
        if (online) return DeviceStatus::Online;
        return first_online_time == 0 ? DeviceStatus::Inactive : DeviceStatus::Offline;
    }
};

// A custom topic class: `topic` is the full template, e.g.
// "/a1B2c3D4e5F/${deviceName}/user/update".
struct TopicClass {
    std::string product_key;
    std::string topic;
    TopicPermission permission = TopicPermission::Publish;
    std::string description;
    std::int64_t created_time = 0;
};

std::string_view to_string(NodeType v);
std::string_view to_string(DataFormat v);
std::string_view to_string(AuthType v);
std::string_view to_string(DeviceStatus v);
std::string_view to_string(TopicPermission v);
std::string_view to_string(ValidationMode v);
std::optional<NodeType> parse_node_type(std::string_view s);      // "device" | "gateway"
std::optional<DataFormat> parse_data_format(std::string_view s);  // "alink" | "raw"
std::optional<AuthType> parse_auth_type(std::string_view s);      // "secret" | "x509"
std::optional<DeviceStatus> parse_device_status(std::string_view s);
std::optional<TopicPermission> parse_topic_permission(std::string_view s);  // "pub" | "sub" | "all"
// "strict" | "lenient" | "off"
std::optional<ValidationMode> parse_validation_mode(std::string_view s);

}  // namespace ts::registry
