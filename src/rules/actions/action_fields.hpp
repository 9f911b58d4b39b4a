#pragma once
// Readers for the fields of an action object. Each failure is the message
// the user sees, naming the field by its path: "actions[1].qos: must be 0
// or 1". Absent optional fields come back as std::nullopt.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"

namespace ts::rules::actions {

using json = nlohmann::json;
using FieldError = Unexpected<std::string>;

// "where.key", or "key" when `where` is empty.
std::string field_path(const std::string& where, std::string_view key);
FieldError field_error(const std::string& path, std::string_view message);

Expected<void, std::string> check_object(const json& j, const std::string& where);
// Typos ("timeoutMS") would otherwise be ignored silently.
Expected<void, std::string> check_known_fields(const json& obj, const std::string& where,
                                               std::initializer_list<std::string_view> known);

Expected<std::optional<std::string>, std::string> optional_string(const json& obj,
                                                                  std::string_view key,
                                                                  const std::string& where);
// Present, a string and not empty.
Expected<std::string, std::string> required_string(const json& obj, std::string_view key,
                                                   const std::string& where);
Expected<std::optional<std::int64_t>, std::string> optional_int(const json& obj,
                                                                std::string_view key,
                                                                const std::string& where,
                                                                std::int64_t min, std::int64_t max);
Expected<std::optional<bool>, std::string> optional_bool(const json& obj, std::string_view key,
                                                         const std::string& where);

// A ${...} template that compiles; the message is the compiler's.
Expected<void, std::string> check_template(const std::string& text, const std::string& path);

// [A-Za-z_][A-Za-z0-9_]*
bool is_identifier(std::string_view s);
// identifier, or schema.identifier
bool is_table_name(std::string_view s);

}  // namespace ts::rules::actions
