#pragma once
// Input rules for names, descriptions, tags and topic classes. Messages name
// the offending field by its API spelling, since they go back to API callers
// as they are.
#include <map>
#include <string>
#include <string_view>

#include "registry/registry.hpp"

namespace ts::registry {

inline constexpr std::size_t kMaxProductNameChars = 64;
inline constexpr std::size_t kMaxDescriptionChars = 256;
inline constexpr std::size_t kMaxTags = 100;
inline constexpr std::size_t kMaxTagKeyChars = 64;
inline constexpr std::size_t kMaxTagValueChars = 128;
inline constexpr std::size_t kMaxTopicClassBytes = 256;
// Firmware reports: Alibaba's limits for module names and versions, and a
// bound on modules per device so that a device cannot grow its row set.
inline constexpr std::size_t kMaxFirmwareModuleChars = 64;
inline constexpr std::size_t kMaxFirmwareVersionChars = 64;
inline constexpr std::size_t kMaxFirmwareModules = 32;
inline constexpr std::string_view kDefaultFirmwareModule = "default";

// Alibaba's rule: 4..32 characters of [A-Za-z0-9_.@:-].
Result<void> check_device_name(std::string_view name, std::string_view field = "deviceName");
// 1..64 characters of UTF-8 without control characters.
Result<void> check_product_name(std::string_view name);
Result<void> check_description(std::string_view text);
Result<void> check_tags(const std::map<std::string, std::string>& tags);
// module: 1..64 characters of [A-Za-z0-9_.-]; version: 1..64 characters of
// printable UTF-8.
Result<void> check_firmware_version(std::string_view module, std::string_view version);
// `topic` must be "/{pk}/${deviceName}/user/" followed by segments of
// [A-Za-z0-9_]+; Subscribe classes may also use '+' and a final '#'.
Result<void> check_topic_class(std::string_view pk, std::string_view topic,
                               TopicPermission permission);

// The number of code points in `s`, or -1 when it is not valid UTF-8 or
// holds a control character (C0, DEL or C1).
long printable_utf8_length(std::string_view s);

}  // namespace ts::registry
