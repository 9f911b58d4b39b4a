#pragma once
// Numbered schema migrations. Several stores may share one database file, so
// each list belongs to a named component ("broker_state", "registry", ...)
// and schema_migrations records (component, version, applied time).
#include <cstdint>
#include <span>
#include <string_view>

#include "core/error.hpp"
#include "core/expected.hpp"
#include "store/sqlite_db.hpp"

namespace ts::store {

struct Migration {
    int version = 0;       // > 0 and strictly increasing within a list
    std::string_view sql;  // one or more statements, without BEGIN/COMMIT
};

// Applies the migrations of `component` that the database lacks, in version
// order and all in one transaction: a failure leaves the schema untouched.
// Returns the component's schema version afterwards. Fails with
// StoreErrc::schema when the list is malformed or when the database holds a
// version this list does not know (written by a newer build).
Expected<int, Error> apply_migrations(sqlite::Database& db, std::string_view component,
                                      std::span<const Migration> migrations);

// The highest applied version of `component`, 0 when none (or no table yet).
Expected<int, Error> schema_version(sqlite::Database& db, std::string_view component);

}  // namespace ts::store
