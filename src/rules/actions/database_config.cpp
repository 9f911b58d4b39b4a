// The "database" action's fields, one parser for both stores: without
// `connection` the embedded SQLite file, with it a PostgreSQL server.
#include <libpq-fe.h>

#include "rules/actions/action_configs.hpp"
#include "rules/actions/action_fields.hpp"

namespace ts::rules::actions {

namespace {

Expected<std::vector<ColumnMapping>, std::string> parse_columns(const json& j,
                                                                const std::string& where) {
    std::vector<ColumnMapping> out;
    const auto it = j.find("columns");
    if (it == j.end()) return out;
    const auto path = field_path(where, "columns");
    if (!it->is_object()) return field_error(path, "must be an object (column: row field)");
    if (it->empty()) return field_error(path, "must map at least one column");
    for (const auto& [column, field] : it->items()) {
        const auto cpath = field_path(path, column);
        if (!is_identifier(column))
            return field_error(cpath, "must be a name ([A-Za-z_][A-Za-z0-9_]*)");
        if (!field.is_string() || field.get_ref<const std::string&>().empty())
            return field_error(cpath, "must be the name of a row field (a string)");
        out.push_back({column, field.get<std::string>()});
    }
    return out;
}

// libpq's own parser, so that what we accept is exactly what it connects to.
Expected<void, std::string> check_conninfo(const std::string& uri, const std::string& path) {
    if (!uri.starts_with("postgresql://") && !uri.starts_with("postgres://"))
        return field_error(path, "must be a postgresql:// or postgres:// URI");
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(uri.c_str(), &err);
    if (opts == nullptr) {
        std::string msg = err != nullptr ? err : "cannot be parsed";
        PQfreemem(err);
        while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
        return field_error(path, msg);
    }
    PQconninfoFree(opts);
    return {};
}

}  // namespace

Expected<DatabaseConfig, std::string> parse_database(const json& j, const std::string& where) {
    if (auto ok = check_known_fields(j, where,
                                     {"type", "retry", "queueLimit", "overflow", "table", "columns",
                                      "connection", "timeoutMs"});
        !ok)
        return unexpected(ok.error());
    DatabaseConfig c;
    auto table = required_string(j, "table", where);
    if (!table) return unexpected(table.error());
    if (!is_table_name(*table))
        return field_error(field_path(where, "table"),
                           "must be a name ([A-Za-z_][A-Za-z0-9_]*) or schema.name");
    c.table = std::move(*table);
    auto columns = parse_columns(j, where);
    if (!columns) return unexpected(columns.error());
    c.columns = std::move(*columns);
    auto connection = optional_string(j, "connection", where);
    if (!connection) return unexpected(connection.error());
    if (*connection) {
        if (auto ok = check_conninfo(**connection, field_path(where, "connection")); !ok)
            return unexpected(ok.error());
        c.connection = std::move(**connection);
    }
    auto timeout = optional_int(j, "timeoutMs", where, 1, 300'000);
    if (!timeout) return unexpected(timeout.error());
    if (*timeout) c.timeout_ms = **timeout;
    return c;
}

}  // namespace ts::rules::actions
