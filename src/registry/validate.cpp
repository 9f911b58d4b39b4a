#include "registry/validate.hpp"

#include <fmt/format.h>

#include <cctype>

namespace ts::registry {

namespace {

Unexpected<RegistryError> invalid(std::string message) {
    return unexpected(RegistryError{Errc::InvalidArgument, std::move(message)});
}

bool is_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_device_name_char(char c) {
    return is_alnum(c) || c == '_' || c == '-' || c == '.' || c == '@' || c == ':';
}

bool is_segment(std::string_view s) {
    if (s.empty()) return false;
    for (const char c : s)
        if (!is_alnum(c) && c != '_') return false;
    return true;
}

Result<void> check_text(std::string_view text, std::string_view field, std::size_t min,
                        std::size_t max) {
    const long n = printable_utf8_length(text);
    if (n < 0 || static_cast<std::size_t>(n) < min || static_cast<std::size_t>(n) > max) {
        return invalid(
            fmt::format("{}: must be {}-{} characters of UTF-8 text without control "
                        "characters",
                        field, min, max));
    }
    return {};
}

}  // namespace

long printable_utf8_length(std::string_view s) {
    long count = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        char32_t cp = 0;
        if (b < 0x80) {
            len = 1;
            cp = b;
        } else if ((b & 0xE0) == 0xC0) {
            len = 2;
            cp = b & 0x1F;
        } else if ((b & 0xF0) == 0xE0) {
            len = 3;
            cp = b & 0x0F;
        } else if ((b & 0xF8) == 0xF0) {
            len = 4;
            cp = b & 0x07;
        } else {
            return -1;
        }
        if (i + len > s.size()) return -1;
        for (std::size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) return -1;
            cp = (cp << 6) | (c & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid.
        static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[len] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return -1;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return -1;
        i += len;
        ++count;
    }
    return count;
}

Result<void> check_device_name(std::string_view name, std::string_view field) {
    bool ok = name.size() >= 4 && name.size() <= 32;
    for (const char c : name) ok = ok && is_device_name_char(c);
    if (!ok) {
        return invalid(
            fmt::format("{}: must be 4-32 characters of letters, digits and _-.@: (got \"{}\")",
                        field, name.size() <= 64 ? name : name.substr(0, 64)));
    }
    return {};
}

Result<void> check_product_name(std::string_view name) {
    return check_text(name, "name", 1, kMaxProductNameChars);
}

Result<void> check_description(std::string_view text) {
    return check_text(text, "description", 0, kMaxDescriptionChars);
}

Result<void> check_tags(const std::map<std::string, std::string>& tags) {
    if (tags.size() > kMaxTags) return invalid(fmt::format("tags: at most {} tags", kMaxTags));
    for (const auto& [key, value] : tags) {
        bool ok = !key.empty() && key.size() <= kMaxTagKeyChars;
        for (const char c : key) ok = ok && is_device_name_char(c);
        if (!ok) {
            return invalid(
                fmt::format("tags: a key must be 1-{} characters of letters, digits and _-.@:",
                            kMaxTagKeyChars));
        }
        if (auto r = check_text(value, "tags." + key, 0, kMaxTagValueChars); !r) return r;
    }
    return {};
}

Result<void> check_firmware_version(std::string_view module, std::string_view version) {
    bool ok = !module.empty() && module.size() <= kMaxFirmwareModuleChars;
    for (const char c : module)
        ok =
            ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
    if (!ok)
        return invalid(fmt::format("module: must be 1-{} characters of letters, digits and _.-",
                                   kMaxFirmwareModuleChars));
    return check_text(version, "version", 1, kMaxFirmwareVersionChars);
}

Result<void> check_topic_class(std::string_view pk, std::string_view topic,
                               TopicPermission permission) {
    const std::string prefix = fmt::format("/{}/${{deviceName}}/user/", pk);
    if (topic.size() > kMaxTopicClassBytes || !topic.starts_with(prefix)) {
        return invalid(fmt::format("topic: must start with {} (at most {} bytes)", prefix,
                                   kMaxTopicClassBytes));
    }
    const bool wildcards_allowed = permission == TopicPermission::Subscribe;
    std::string_view rest = topic.substr(prefix.size());
    for (;;) {
        const auto slash = rest.find('/');
        const std::string_view seg = rest.substr(0, slash);
        const bool last = slash == std::string_view::npos;
        const bool wildcard = seg == "+" || (seg == "#" && last);
        if (!is_segment(seg) && !(wildcards_allowed && wildcard)) {
            return invalid(
                fmt::format("topic: after {} each level must be letters, digits and _{}", prefix,
                            wildcards_allowed ? ", or + / a final # (subscribe classes)" : ""));
        }
        if (last) return {};
        rest = rest.substr(slash + 1);
    }
}

}  // namespace ts::registry
