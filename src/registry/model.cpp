// The API spellings of the model's enums. They are part of the REST
// contract (API.md), so they never change with the C++ names.
#include "registry/model.hpp"

#include <array>
#include <utility>

namespace ts::registry {

namespace {

template <typename E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<NodeType, 2> kNodeTypes{
    {{NodeType::Device, "device"}, {NodeType::Gateway, "gateway"}}};
constexpr Names<DataFormat, 2> kDataFormats{
    {{DataFormat::Alink, "alink"}, {DataFormat::Raw, "raw"}}};
constexpr Names<AuthType, 2> kAuthTypes{{{AuthType::Secret, "secret"}, {AuthType::X509, "x509"}}};
constexpr Names<DeviceStatus, 4> kStatuses{{{DeviceStatus::Inactive, "inactive"},
                                            {DeviceStatus::Online, "online"},
                                            {DeviceStatus::Offline, "offline"},
                                            {DeviceStatus::Disabled, "disabled"}}};
constexpr Names<TopicPermission, 3> kPermissions{{{TopicPermission::Publish, "pub"},
                                                  {TopicPermission::Subscribe, "sub"},
                                                  {TopicPermission::All, "all"}}};
constexpr Names<ValidationMode, 3> kValidationModes{{{ValidationMode::Strict, "strict"},
                                                     {ValidationMode::Lenient, "lenient"},
                                                     {ValidationMode::Off, "off"}}};

template <typename E, std::size_t N>
std::string_view name_of(const Names<E, N>& names, E v) {
    for (const auto& [value, name] : names)
        if (value == v) return name;
    return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> parse(const Names<E, N>& names, std::string_view s) {
    for (const auto& [value, name] : names)
        if (name == s) return value;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(NodeType v) {
    return name_of(kNodeTypes, v);
}
std::string_view to_string(DataFormat v) {
    return name_of(kDataFormats, v);
}
std::string_view to_string(AuthType v) {
    return name_of(kAuthTypes, v);
}
std::string_view to_string(DeviceStatus v) {
    return name_of(kStatuses, v);
}
std::string_view to_string(TopicPermission v) {
    return name_of(kPermissions, v);
}
std::string_view to_string(ValidationMode v) {
    return name_of(kValidationModes, v);
}

std::optional<NodeType> parse_node_type(std::string_view s) {
    return parse(kNodeTypes, s);
}
std::optional<DataFormat> parse_data_format(std::string_view s) {
    return parse(kDataFormats, s);
}
std::optional<AuthType> parse_auth_type(std::string_view s) {
    return parse(kAuthTypes, s);
}
std::optional<DeviceStatus> parse_device_status(std::string_view s) {
    return parse(kStatuses, s);
}
std::optional<TopicPermission> parse_topic_permission(std::string_view s) {
    return parse(kPermissions, s);
}
std::optional<ValidationMode> parse_validation_mode(std::string_view s) {
    return parse(kValidationModes, s);
}

}  // namespace ts::registry
