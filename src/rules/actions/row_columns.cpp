#include "rules/actions/row_columns.hpp"

#include <charconv>

#include "rules/actions/action_fields.hpp"
#include "rules/actions/item_view.hpp"

namespace ts::rules::actions {

const nlohmann::json* field_at(const nlohmann::json& row, std::string_view dotted) {
    const nlohmann::json* cur = &row;
    while (cur != nullptr) {
        const auto dot = dotted.find('.');
        const auto part = dotted.substr(0, dot);
        if (cur->is_object()) {
            const auto it = cur->find(part);
            cur = it == cur->end() ? nullptr : &*it;
        } else if (cur->is_array()) {
            std::size_t index = 0;
            const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
            const bool ok = ec == std::errc() && end == part.data() + part.size();
            cur = ok && index < cur->size() ? &(*cur)[index] : nullptr;
        } else {
            cur = nullptr;
        }
        if (dot == std::string_view::npos) break;
        dotted.remove_prefix(dot + 1);
    }
    return cur;
}

Expected<std::vector<ColumnValue>, std::string> column_values(
    const nlohmann::json& row, const std::vector<ColumnMapping>& mapping) {
    std::vector<ColumnValue> out;
    if (!mapping.empty()) {
        out.reserve(mapping.size());
        for (const auto& m : mapping) out.push_back({m.column, field_at(row, m.field)});
        return out;
    }
    if (!row.is_object()) return unexpected(std::string("the row is not a JSON object"));
    for (const auto& [key, value] : row.items()) {
        if (!is_identifier(key))
            return unexpected("row field \"" + key +
                              "\" is not a valid column name; map it with \"columns\"");
        out.push_back({key, &value});
    }
    if (out.empty()) return unexpected(std::string("the row has no fields"));
    return out;
}

std::string quote_identifier(std::string_view name) {
    return "\"" + std::string(name) + "\"";
}

std::string quote_table(std::string_view table) {
    const auto dot = table.find('.');
    if (dot == std::string_view::npos) return quote_identifier(table);
    return quote_identifier(table.substr(0, dot)) + "." + quote_identifier(table.substr(dot + 1));
}

std::optional<std::string> value_text(const nlohmann::json* v) {
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (v->is_string()) return v->get<std::string>();
    return row_json(*v);
}

}  // namespace ts::rules::actions
