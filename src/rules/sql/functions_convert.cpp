// Conversions and NULL handling: cast(x AS type), to_number(), to_string(),
// nvl(), coalesce(). A value that cannot be converted becomes NULL rather
// than an error, so a rule can test for it with IS NULL.
#include <array>
#include <cmath>

#include "rules/sql/functions.hpp"

namespace ts::rules::sql {

namespace {

std::optional<Number> number_of(const json& v) {
    if (auto n = as_number(v)) return n;
    if (v.is_string()) return parse_number(v.get_ref<const std::string&>());
    if (v.is_boolean()) return Number{true, v.get<bool>() ? 1 : 0, 0};
    return std::nullopt;
}

bool equals_lower(std::string_view s, std::string_view lower) {
    if (s.size() != lower.size()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] + 32) : s[i];
        if (c != lower[i]) return false;
    }
    return true;
}

}  // namespace

Result cast_value(const json& v, CastType type) {
    if (v.is_null()) return null_value();
    switch (type) {
        case CastType::string:
            return Value::own(to_text(v));
        case CastType::number: {
            auto n = number_of(v);
            if (!n) return null_value();
            return Value::own(to_json(Number{false, 0, n->as_double()}));
        }
        case CastType::integer: {
            auto n = number_of(v);
            if (!n) return null_value();
            if (n->is_integer) return Value::own(n->i);
            // Truncates toward zero; NULL outside the int64 range.
            const double t = std::trunc(n->d);
            if (!(t >= -9.2e18 && t <= 9.2e18)) return null_value();
            return Value::own(static_cast<std::int64_t>(t));
        }
        case CastType::boolean: {
            if (v.is_boolean()) return Value::own(v.get<bool>());
            if (auto n = as_number(v)) return Value::own(n->as_double() != 0.0);
            if (!v.is_string()) return null_value();
            const std::string& s = v.get_ref<const std::string&>();
            if (equals_lower(s, "true") || s == "1") return Value::own(true);
            if (equals_lower(s, "false") || s == "0") return Value::own(false);
            return null_value();
        }
    }
    return null_value();
}

namespace {

// Unlike cast(x AS double), keeps integers integers: to_number('12') is 12.
Result to_number(const CallContext&, std::span<const Value> args) {
    auto n = number_of(args[0].get());
    if (!n) return null_value();
    return Value::own(to_json(*n));
}

Result to_string(const CallContext&, std::span<const Value> args) {
    return cast_value(args[0].get(), CastType::string);
}

// nvl(a, b) and coalesce(a, b, ...): the first argument that is not NULL.
Result coalesce(const CallContext&, std::span<const Value> args) {
    for (const Value& v : args)
        if (!v.is_null()) return Value::own(v.get());
    return null_value();
}

constexpr std::array kFunctions{
    FunctionSpec{"to_number", 1, 1, ArgCheck::any, StaticType::any, to_number},
    FunctionSpec{"to_string", 1, 1, ArgCheck::any, StaticType::string, to_string},
    FunctionSpec{"nvl", 2, 2, ArgCheck::any, StaticType::any, coalesce},
    FunctionSpec{"coalesce", 1, kMaxArgs, ArgCheck::any, StaticType::any, coalesce},
};

}  // namespace

std::span<const FunctionSpec> conversion_functions() {
    return kFunctions;
}

}  // namespace ts::rules::sql
