// Checks the values a device sends against the compiled thing model, with
// Alibaba's 63xx codes and its message style "tsl parse: <reason> -> <id>".
// Alibaba documents the codes only in part (PROTOCOL.md §0.11, §4.3); the
// code per type is the one its post topics list for that type, and a range
// error carries the same code as a type error of that type.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "thing/thing_model.hpp"

namespace ts::thing {
namespace {

using nlohmann::json;

constexpr int kParamsNotObject = 6300;
constexpr int kParamsNotExist = 6304;
constexpr int kInt = 6306;
constexpr int kFloat = 6307;
constexpr int kBool = 6308;
constexpr int kEnum = 6309;
constexpr int kText = 6310;
constexpr int kDate = 6311;
constexpr int kStruct = 6312;
constexpr int kArray = 6324;

// Doubles at or beyond this round to infinity as a float (FLT_MAX plus half a
// unit in the last place).
constexpr double kFloatLimit = 0x1.ffffffp127;

std::optional<ValueError> fail(int code, std::string_view reason, std::string_view id) {
    std::string message = "tsl parse: ";
    message.append(reason).append(" -> ").append(id);
    return ValueError{code, std::move(message)};
}

// Bounds as the TSL document writes them: ints in full, "1000000000".
std::string number_text(double v, bool whole) {
    char buf[32];
    if (whole && v > -9e18 && v < 9e18)
        return std::string(buf, std::to_chars(buf, buf + sizeof buf, std::int64_t(v)).ptr);
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// A missing bound is left empty: "value out of range 0..".
std::string range_text(std::optional<double> min, std::optional<double> max, bool whole) {
    return "value out of range " + (min ? number_text(*min, whole) : "") + ".." +
           (max ? number_text(*max, whole) : "");
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t n = 0;
        std::uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1Fu;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0Fu;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07u;
        } else {
            return false;
        }
        if (s.size() - i <= n) return false;
        for (std::size_t k = 1; k <= n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3Fu);
        }
        // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
        constexpr std::uint32_t kLeast[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kLeast[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
        i += n + 1;
    }
    return true;
}

// nlohmann keeps an integer as int64, or as uint64 when it does not fit.
std::optional<std::int64_t> as_int64(const json& v) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return std::nullopt;
        return static_cast<std::int64_t>(u);
    }
    return v.get<std::int64_t>();
}

std::optional<ValueError> check_int(const DataType& type, const json& value, std::string_view id) {
    // Alibaba takes neither 1.0 nor "1" for an int. A step is not enforced
    // either: Alibaba accepts values between the steps.
    if (!value.is_number_integer()) return fail(kInt, "data type is not int", id);
    const double lo = type.min.value_or(std::numeric_limits<std::int32_t>::min());
    const double hi = type.max.value_or(std::numeric_limits<std::int32_t>::max());
    const auto v = as_int64(value);
    if (!v || static_cast<double>(*v) < lo || static_cast<double>(*v) > hi)
        return fail(kInt, range_text(lo, hi, true), id);
    return std::nullopt;
}

std::optional<ValueError> check_real(const DataType& type, const json& value, std::string_view id) {
    const bool is_float = type.kind == DataKind::Float;
    // Whole numbers are numbers too: devices often send 21 for 21.0. No step
    // check, as for int.
    if (!value.is_number() || !std::isfinite(value.get<double>()))
        return fail(kFloat, is_float ? "data type is not float" : "data type is not double", id);
    const double v = value.get<double>();
    if (is_float && std::fabs(v) >= kFloatLimit)
        return fail(kFloat, "value out of range of float", id);
    if ((type.min && v < *type.min) || (type.max && v > *type.max))
        return fail(kFloat, range_text(type.min, type.max, false), id);
    return std::nullopt;
}

std::optional<ValueError> check_bool(const json& value, std::string_view id) {
    if (value.is_boolean()) return std::nullopt;
    if (!value.is_number_integer()) return fail(kBool, "data type is not bool", id);
    const auto v = as_int64(value);
    if (!v || (*v != 0 && *v != 1)) return fail(kBool, "bool value must be 0 or 1", id);
    return std::nullopt;
}

std::optional<ValueError> check_enum(const DataType& type, const json& value, std::string_view id) {
    if (!value.is_number_integer()) return fail(kEnum, "data type is not enum", id);
    const auto v = as_int64(value);
    if (!v || !type.values.contains(*v)) return fail(kEnum, "enum value not in specs", id);
    return std::nullopt;
}

std::optional<ValueError> check_text(const DataType& type, const json& value, std::string_view id) {
    if (!value.is_string()) return fail(kText, "data type is not string", id);
    const auto& s = value.get_ref<const std::string&>();
    if (s.size() > type.length)
        return fail(kText, "text longer than " + std::to_string(type.length) + " bytes", id);
    // nlohmann rejects bad UTF-8 when it parses, but a value may have been
    // built some other way.
    if (!valid_utf8(s)) return fail(kText, "text is not valid UTF-8", id);
    return std::nullopt;
}

// UTC milliseconds: a string of digits (Alibaba's form) or a plain integer,
// in both cases not past what an int64 holds.
std::optional<ValueError> check_date(const json& value, std::string_view id) {
    bool ok = false;
    if (value.is_string()) {
        const auto& s = value.get_ref<const std::string&>();
        std::int64_t ms = 0;
        const bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), ms);
        ok = digits && ec == std::errc{} && end == s.data() + s.size();
    } else if (value.is_number_integer()) {
        const auto v = as_int64(value);
        ok = v && *v >= 0;
    }
    if (!ok) return fail(kDate, "data type is not date, must be UTC milliseconds", id);
    return std::nullopt;
}

std::optional<ValueError> check_struct(const DataType& type, const json& value,
                                       std::string_view id) {
    if (!value.is_object()) return fail(kStruct, "data type is not struct", id);
    for (auto it = value.begin(); it != value.end(); ++it) {
        std::string name(id);
        name.append(".").append(it.key());
        const Param* field = nullptr;
        for (const auto& f : type.fields) {
            if (f.identifier == it.key()) {
                field = &f;
                break;
            }
        }
        if (!field) return fail(kStruct, "struct member not exist", name);
        if (auto e = validate_value(field->data_type, it.value(), name)) return e;
    }
    return std::nullopt;
}

std::optional<ValueError> check_array(const DataType& type, const json& value,
                                      std::string_view id) {
    if (!value.is_array()) return fail(kArray, "data type is not array", id);
    if (value.size() > type.size)
        return fail(kArray, "array size larger than " + std::to_string(type.size), id);
    if (!type.item) return std::nullopt;
    for (std::size_t i = 0; i < value.size(); ++i) {
        std::string name(id);
        name.append("[").append(std::to_string(i)).append("]");
        if (auto e = validate_value(*type.item, value[i], name)) return e;
    }
    return std::nullopt;
}

}  // namespace

// Recursion follows the data type, not the value: parse_thing_model keeps
// types a few levels deep whatever the device sends.
std::optional<ValueError> validate_value(const DataType& type, const nlohmann::json& value,
                                         std::string_view identifier) {
    switch (type.kind) {
        case DataKind::Int:
            return check_int(type, value, identifier);
        case DataKind::Float:
        case DataKind::Double:
            return check_real(type, value, identifier);
        case DataKind::Text:
            return check_text(type, value, identifier);
        case DataKind::Date:
            return check_date(value, identifier);
        case DataKind::Bool:
            return check_bool(value, identifier);
        case DataKind::Enum:
            return check_enum(type, value, identifier);
        case DataKind::Struct:
            return check_struct(type, value, identifier);
        case DataKind::Array:
            return check_array(type, value, identifier);
    }
    return std::nullopt;
}

std::optional<ValueError> validate_params(const std::vector<Param>& params,
                                          const nlohmann::json& object) {
    if (!object.is_object())
        return ValueError{kParamsNotObject, "tsl parse: params must be an object"};
    for (auto it = object.begin(); it != object.end(); ++it) {
        const Param* param = nullptr;
        for (const auto& p : params) {
            if (p.identifier == it.key()) {
                param = &p;
                break;
            }
        }
        if (!param) return fail(kParamsNotExist, "params not exist", it.key());
        if (auto e = validate_value(param->data_type, it.value(), it.key())) return e;
    }
    return std::nullopt;
}

}  // namespace ts::thing
