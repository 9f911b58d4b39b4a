#include "rules/sql/value.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace ts::rules::sql {

const char* type_name(const json& j) {
    switch (j.type()) {
        case json::value_t::null:
        case json::value_t::discarded:
            return "NULL";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            return "a number";
        case json::value_t::string:
            return "a string";
        case json::value_t::array:
            return "an array";
        case json::value_t::object:
            return "an object";
        case json::value_t::binary:
            return "binary data";
    }
    return "a value";
}

std::optional<Number> as_number(const json& j) {
    Number n;
    if (j.is_number_integer() && !j.is_number_unsigned()) {
        n.is_integer = true;
        n.i = j.get_ref<const json::number_integer_t&>();
        return n;
    }
    if (j.is_number_unsigned()) {
        const auto u = j.get_ref<const json::number_unsigned_t&>();
        if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            n.is_integer = true;
            n.i = static_cast<std::int64_t>(u);
        } else {
            n.d = static_cast<double>(u);
        }
        return n;
    }
    if (j.is_number_float()) {
        n.d = j.get_ref<const json::number_float_t&>();
        return n;
    }
    return std::nullopt;
}

json to_json(Number n) {
    if (n.is_integer) return n.i;
    if (!std::isfinite(n.d)) return nullptr;
    return n.d;
}

std::optional<Number> parse_number(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
    const char* first = s.data();
    const char* last = first + s.size();
    Number n;
    auto [p, ec] = std::from_chars(first, last, n.i);
    if (ec == std::errc() && p == last) {
        n.is_integer = true;
        return n;
    }
    auto [q, ec2] = std::from_chars(first, last, n.d);
    if (ec2 != std::errc() || q != last || !std::isfinite(n.d)) return std::nullopt;
    return n;
}

std::string to_text(const json& j) {
    if (j.is_string()) return j.get_ref<const std::string&>();
    if (j.is_null()) return {};
    if (j.is_boolean()) return j.get<bool>() ? "true" : "false";
    if (auto n = as_number(j)) {
        if (n->is_integer) return std::to_string(n->i);
        if (j.is_number_unsigned()) return std::to_string(j.get<std::uint64_t>());
        char buf[64];
        auto [p, ec] = std::to_chars(buf, buf + sizeof buf, n->d);
        if (ec != std::errc()) return {};
        return std::string(buf, p);
    }
    // replace: a row built elsewhere may hold invalid UTF-8; never throw.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace ts::rules::sql
