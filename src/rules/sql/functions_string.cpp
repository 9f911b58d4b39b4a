// String functions. Arguments that are numbers or booleans are read in their
// text form; NULL in gives NULL out (concat skips NULLs). Lengths and
// positions count characters (code points), 1-based like SQL.
#include <algorithm>
#include <array>
#include <limits>

#include "rules/sql/functions.hpp"
#include "rules/sql/text_search.hpp"
#include "rules/sql/utf8.hpp"

namespace ts::rules::sql {

namespace {

std::string too_long(const char* fn) {
    return std::string(fn) + "() result longer than " + std::to_string(kMaxTextBytes) + " bytes";
}

Result concat(const CallContext&, std::span<const Value> args) {
    std::string out;
    for (const Value& v : args) {
        if (v.is_null()) continue;
        if (v->is_string())
            out += v->get_ref<const std::string&>();
        else
            out += to_text(v.get());
        if (out.size() > kMaxTextBytes) return unexpected(too_long("concat"));
    }
    return Value::own(std::move(out));
}

template <char (*Map)(char)>
Result map_ascii(const CallContext&, std::span<const Value> args) {
    auto s = text_arg(args[0]);
    if (!s) return null_value();
    for (char& c : *s) c = Map(c);
    return Value::own(std::move(*s));
}
char to_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}
char to_upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
}

Result length(const CallContext&, std::span<const Value> args) {
    auto s = text_arg(args[0]);
    if (!s) return null_value();
    return Value::own(static_cast<std::int64_t>(utf8_length(*s)));
}

// substring(s, start[, len]): start is 1-based; a start below 1 counts the
// characters before the string (as in PostgreSQL), so substring('abc', 0, 2)
// is 'a'.
Result substring(const CallContext&, std::span<const Value> args) {
    auto s = text_arg(args[0]);
    if (!s || args[1].is_null() || (args.size() > 2 && args[2].is_null())) return null_value();
    const auto start = as_number(args[1].get());
    if (!start || !start->is_integer)
        return unexpected(std::string("substring() needs an integer start"));
    std::int64_t from = start->i;
    std::int64_t count = std::numeric_limits<std::int64_t>::max();
    if (args.size() > 2) {
        const auto len = as_number(args[2].get());
        if (!len || !len->is_integer || len->i < 0)
            return unexpected(std::string("substring() needs a length of 0 or more"));
        count = len->i;
    }
    if (from < 1) {
        // Clamped first: 1 - INT64_MIN overflows. Starts that far before the
        // string leave nothing of any length anyway.
        const std::int64_t skip = 1 - std::max<std::int64_t>(from, -(std::int64_t{1} << 62));
        count = count - skip < 0 ? 0 : count - skip;
        from = 1;
    }
    const std::size_t total = utf8_length(*s);
    const auto first = static_cast<std::size_t>(from - 1);
    if (first >= total || count == 0) return Value::own(std::string());
    const std::size_t b = utf8_offset(*s, first);
    const std::size_t chars = std::min(
        total - first,
        static_cast<std::size_t>(std::min<std::int64_t>(count, static_cast<std::int64_t>(total))));
    const std::size_t e = b + utf8_offset(std::string_view(*s).substr(b), chars);
    return Value::own(s->substr(b, e - b));
}

Result replace(const CallContext&, std::span<const Value> args) {
    auto s = text_arg(args[0]);
    auto from = text_arg(args[1]);
    auto to = text_arg(args[2]);
    if (!s || !from || !to) return null_value();
    if (from->empty()) return Value::own(std::move(*s));
    std::string out;
    std::size_t pos = 0;
    for (std::size_t hit; (hit = find_text(*s, *from, pos)) != std::string::npos;) {
        out.append(*s, pos, hit - pos);
        out += *to;
        pos = hit + from->size();
        if (out.size() > kMaxTextBytes) return unexpected(too_long("replace"));
    }
    out.append(*s, pos);
    return Value::own(std::move(out));
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

template <bool Left, bool Right>
Result trim(const CallContext&, std::span<const Value> args) {
    auto s = text_arg(args[0]);
    if (!s) return null_value();
    std::string_view v = *s;
    while (Left && !v.empty() && is_space(v.front())) v.remove_prefix(1);
    while (Right && !v.empty() && is_space(v.back())) v.remove_suffix(1);
    return Value::own(std::string(v));
}

Result starts_with(const CallContext&, std::span<const Value> args) {
    auto s = text_arg(args[0]);
    auto p = text_arg(args[1]);
    if (!s || !p) return null_value();
    return Value::own(s->starts_with(*p));
}

Result ends_with(const CallContext&, std::span<const Value> args) {
    auto s = text_arg(args[0]);
    auto p = text_arg(args[1]);
    if (!s || !p) return null_value();
    return Value::own(s->ends_with(*p));
}

// strpos(s, sub): 1-based character position of the first match, 0 if none.
Result strpos(const CallContext&, std::span<const Value> args) {
    auto s = text_arg(args[0]);
    auto sub = text_arg(args[1]);
    if (!s || !sub) return null_value();
    const std::size_t hit = find_text(*s, *sub);
    if (hit == std::string::npos) return Value::own(0);
    return Value::own(
        static_cast<std::int64_t>(utf8_length(std::string_view(*s).substr(0, hit)) + 1));
}

constexpr std::size_t kMany = kMaxArgs;
constexpr auto S = StaticType::string;

constexpr std::array kFunctions{
    FunctionSpec{"concat", 1, kMany, ArgCheck::any, S, concat},
    FunctionSpec{"lower", 1, 1, ArgCheck::any, S, map_ascii<to_lower>},
    FunctionSpec{"upper", 1, 1, ArgCheck::any, S, map_ascii<to_upper>},
    FunctionSpec{"length", 1, 1, ArgCheck::any, StaticType::number, length},
    FunctionSpec{"char_length", 1, 1, ArgCheck::any, StaticType::number, length},
    FunctionSpec{"substring", 2, 3, ArgCheck::any, S, substring},
    FunctionSpec{"replace", 3, 3, ArgCheck::any, S, replace},
    FunctionSpec{"trim", 1, 1, ArgCheck::any, S, trim<true, true>},
    FunctionSpec{"ltrim", 1, 1, ArgCheck::any, S, trim<true, false>},
    FunctionSpec{"rtrim", 1, 1, ArgCheck::any, S, trim<false, true>},
    FunctionSpec{"startswith", 2, 2, ArgCheck::any, StaticType::boolean, starts_with},
    FunctionSpec{"endswith", 2, 2, ArgCheck::any, StaticType::boolean, ends_with},
    FunctionSpec{"strpos", 2, 2, ArgCheck::any, StaticType::number, strpos},
    FunctionSpec{"instr", 2, 2, ArgCheck::any, StaticType::number, strpos},
};

}  // namespace

std::span<const FunctionSpec> string_functions() {
    return kFunctions;
}

}  // namespace ts::rules::sql
