#include <array>

#include "rules/sql/functions.hpp"

namespace ts::rules::sql {

namespace {

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

const FunctionSpec* find_function(std::string_view name) {
    const std::array families{message_functions(), string_functions(), math_functions(),
                              conversion_functions()};
    for (const auto& family : families)
        for (const FunctionSpec& f : family)
            if (same_name(f.name, name)) return &f;
    return nullptr;
}

std::optional<std::string> text_arg(const Value& v) {
    if (v.is_null()) return std::nullopt;
    return to_text(v.get());
}

}  // namespace ts::rules::sql
