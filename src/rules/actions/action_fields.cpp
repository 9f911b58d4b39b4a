#include "rules/actions/action_fields.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "rules/sql/query.hpp"

namespace ts::rules::actions {

std::string field_path(const std::string& where, std::string_view key) {
    if (where.empty()) return std::string(key);
    return where + "." + std::string(key);
}

FieldError field_error(const std::string& path, std::string_view message) {
    return unexpected(fmt::format("{}: {}", path, message));
}

Expected<void, std::string> check_object(const json& j, const std::string& where) {
    if (j.is_object()) return {};
    return field_error(where.empty() ? std::string("action") : where, "must be an object");
}

Expected<void, std::string> check_known_fields(const json& obj, const std::string& where,
                                               std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : obj.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end())
            return field_error(field_path(where, key), "unknown field");
    }
    return {};
}

Expected<std::optional<std::string>, std::string> optional_string(const json& obj,
                                                                  std::string_view key,
                                                                  const std::string& where) {
    const auto it = obj.find(key);
    if (it == obj.end()) return std::optional<std::string>{};
    if (!it->is_string()) return field_error(field_path(where, key), "must be a string");
    return std::optional<std::string>{it->get<std::string>()};
}

Expected<std::string, std::string> required_string(const json& obj, std::string_view key,
                                                   const std::string& where) {
    auto s = optional_string(obj, key, where);
    if (!s) return unexpected(s.error());
    if (!s->has_value() || (*s)->empty())
        return field_error(field_path(where, key), "is required (a non-empty string)");
    return std::move(**s);
}

Expected<std::optional<std::int64_t>, std::string> optional_int(const json& obj,
                                                                std::string_view key,
                                                                const std::string& where,
                                                                std::int64_t min,
                                                                std::int64_t max) {
    const auto it = obj.find(key);
    if (it == obj.end()) return std::optional<std::int64_t>{};
    const auto range = fmt::format("must be an integer from {} to {}", min, max);
    const auto path = field_path(where, key);
    // Unsigned values above INT64_MAX would wrap in get<int64_t>.
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
        return field_error(path, range);
    if (!it->is_number_integer()) return field_error(path, range);
    const auto v = it->get<std::int64_t>();
    if (v < min || v > max) return field_error(path, range);
    return std::optional<std::int64_t>{v};
}

Expected<std::optional<bool>, std::string> optional_bool(const json& obj, std::string_view key,
                                                         const std::string& where) {
    const auto it = obj.find(key);
    if (it == obj.end()) return std::optional<bool>{};
    if (!it->is_boolean()) return field_error(field_path(where, key), "must be true or false");
    return std::optional<bool>{it->get<bool>()};
}

Expected<void, std::string> check_template(const std::string& text, const std::string& path) {
    auto t = Template::compile(text);
    if (!t) return field_error(path, t.error().to_string());
    return {};
}

bool is_identifier(std::string_view s) {
    if (s.empty()) return false;
    const auto alpha = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    };
    if (!alpha(s.front())) return false;
    return std::all_of(s.begin() + 1, s.end(),
                       [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

bool is_table_name(std::string_view s) {
    const auto dot = s.find('.');
    if (dot == std::string_view::npos) return is_identifier(s);
    return is_identifier(s.substr(0, dot)) && is_identifier(s.substr(dot + 1));
}

}  // namespace ts::rules::actions
