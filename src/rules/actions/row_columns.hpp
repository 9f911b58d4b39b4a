#pragma once
// From an output row to the values of a table's columns, shared by the
// SQLite and PostgreSQL targets.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"
#include "rules/actions/action_configs.hpp"

namespace ts::rules::actions {

struct ColumnValue {
    std::string column;
    const nlohmann::json* value = nullptr;  // into the row; null: SQL NULL
};

// The mapped columns, or (mapping empty) every top-level field of the row.
// A field name that is not an identifier is an error: it cannot be a column.
Expected<std::vector<ColumnValue>, std::string> column_values(
    const nlohmann::json& row, const std::vector<ColumnMapping>& mapping);

// "a.b.0": object members by name, array elements by index; null when absent.
const nlohmann::json* field_at(const nlohmann::json& row, std::string_view dotted);

// Names were checked as identifiers; quoting still keeps reserved words
// ("order", "user") usable and the case as written.
std::string quote_identifier(std::string_view name);
std::string quote_table(std::string_view table);  // name or schema.name

// A value as text: strings as they are, numbers and booleans as JSON writes
// them, objects and arrays as JSON; nullopt for null.
std::optional<std::string> value_text(const nlohmann::json* v);

}  // namespace ts::rules::actions
