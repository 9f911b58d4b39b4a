#pragma once
// The SQL functions. Each family (message facts, strings, math, conversion)
// lives in its own file and lists its functions in a table; compile looks a
// call up by name, case-insensitively, and checks its argument count.
#include <cstddef>
#include <span>
#include <string_view>

#include "rules/sql/ast.hpp"
#include "rules/sql/message_view.hpp"
#include "rules/sql/value.hpp"

namespace ts::rules::sql {

// More arguments than this are refused at compile time, so a call's
// arguments fit in a fixed array on the stack.
inline constexpr std::size_t kMaxArgs = 16;

// concat() and replace() refuse to build longer strings: nested calls could
// otherwise double a payload's text per level.
inline constexpr std::size_t kMaxTextBytes = 16 * 1024 * 1024;

struct CallContext {
    const MessageView& message;
};

using FunctionImpl = Result (*)(const CallContext& ctx, std::span<const Value> args);

// What the compile-time checks may demand of the arguments.
enum class ArgCheck {
    any,
    numbers,  // every argument must be a number (or NULL)
};

struct FunctionSpec {
    std::string_view name;  // the documented spelling, e.g. "deviceName"
    std::size_t min_args;
    std::size_t max_args;
    ArgCheck args;
    StaticType result;
    FunctionImpl impl;
};

std::span<const FunctionSpec> message_functions();
std::span<const FunctionSpec> string_functions();
std::span<const FunctionSpec> math_functions();
std::span<const FunctionSpec> conversion_functions();

// nullptr when no function has that name (any letter case).
const FunctionSpec* find_function(std::string_view name);

// cast(x AS type): also used by to_number() and to_string().
Result cast_value(const json& v, CastType type);

// The string a string function reads from an argument: strings as is,
// numbers and booleans in their text form; nullopt for NULL.
std::optional<std::string> text_arg(const Value& v);

}  // namespace ts::rules::sql
