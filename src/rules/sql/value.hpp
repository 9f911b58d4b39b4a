#pragma once
// A value during evaluation: either borrowed (a payload field, a literal of
// the tree) or owned (a computed result). Borrowing keeps the common rule,
// a few field reads and a comparison, free of allocations.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"

namespace ts::rules::sql {

using nlohmann::json;

class Value {
public:
    Value() = default;
    static Value borrow(const json& j) {
        Value v;
        v.ref_ = &j;
        return v;
    }
    static Value own(json j) {
        Value v;
        v.own_ = std::move(j);
        return v;
    }

    const json& get() const { return ref_ ? *ref_ : own_; }
    const json* operator->() const { return &get(); }
    bool is_null() const { return get().is_null(); }

    // The value as a json to keep (copies a borrowed one).
    json take() && { return ref_ ? *ref_ : std::move(own_); }

private:
    const json* ref_ = nullptr;
    json own_;
};

// Runtime errors are messages; the evaluator adds the location.
using Result = Expected<Value, std::string>;

inline Value null_value() {
    return Value{};
}

// "a number", "a string", ... for messages.
const char* type_name(const json& j);

// Numbers as SQL sees them: integers that fit in int64 stay integers;
// larger unsigned values and fractions are doubles.
struct Number {
    bool is_integer = false;
    std::int64_t i = 0;
    double d = 0;
    double as_double() const { return is_integer ? static_cast<double>(i) : d; }
};

std::optional<Number> as_number(const json& j);
json to_json(Number n);  // non-finite doubles become NULL

// A string that reads entirely as a number ("38", " 1.5e3 ").
std::optional<Number> parse_number(std::string_view s);

// The text form used by concat(), templates and cast(x AS string): strings
// as is, integers in decimal, doubles in the shortest exact form, booleans
// as true/false, objects and arrays as JSON. NULL is "".
std::string to_text(const json& j);

}  // namespace ts::rules::sql
