#include "store/migrations.hpp"

#include <fmt/format.h>

#include <chrono>
#include <set>
#include <string>

namespace ts::store {

namespace {

constexpr const char* kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    component       TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    applied_wall_ms INTEGER NOT NULL,
    PRIMARY KEY (component, version)
) WITHOUT ROWID;
)sql";

Expected<void, Error> validate(std::string_view component, std::span<const Migration> migrations) {
    int previous = 0;
    for (const auto& m : migrations) {
        if (m.version <= previous) {
            return unexpected(make_error(
                StoreErrc::schema,
                fmt::format("migrations of {}: version {} follows {}; versions must be positive "
                            "and increasing",
                            component, m.version, previous)));
        }
        previous = m.version;
    }
    return {};
}

std::int64_t wall_ms_now() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Expected<std::set<int>, Error> applied_versions(sqlite::Database& db, std::string_view component) {
    auto stmt = db.prepare("SELECT version FROM schema_migrations WHERE component = ?1");
    if (!stmt) return unexpected(stmt.error());
    if (auto r = stmt->bind_text(1, component); !r) return unexpected(r.error());
    std::set<int> versions;
    for (;;) {
        auto row = stmt->step();
        if (!row) return unexpected(row.error());
        if (!*row) break;
        versions.insert(static_cast<int>(stmt->column_int64(0)));
    }
    return versions;
}

}  // namespace

Expected<int, Error> apply_migrations(sqlite::Database& db, std::string_view component,
                                      std::span<const Migration> migrations) {
    if (auto r = validate(component, migrations); !r) return unexpected(r.error());

    // IMMEDIATE: two processes opening the same file at once must not both
    // see a version as missing and apply it twice.
    auto tx = sqlite::Transaction::begin(db, sqlite::TxMode::immediate);
    if (!tx) return unexpected(tx.error());
    if (auto r = db.exec(kCreateTable); !r) return unexpected(r.error());

    auto applied = applied_versions(db, component);
    if (!applied) return unexpected(applied.error());
    const int known = migrations.empty() ? 0 : migrations.back().version;
    if (!applied->empty() && *applied->rbegin() > known) {
        return unexpected(make_error(
            StoreErrc::schema,
            fmt::format("{}: database schema is at version {} but this build knows only up to {}",
                        component, *applied->rbegin(), known)));
    }

    auto record = db.prepare(
        "INSERT INTO schema_migrations (component, version, applied_wall_ms) VALUES (?1, ?2, ?3)");
    if (!record) return unexpected(record.error());
    const std::int64_t now = wall_ms_now();
    for (const auto& m : migrations) {
        if (applied->contains(m.version)) continue;
        if (auto r = db.exec(std::string(m.sql)); !r) {
            Error e = r.error();
            e.message = fmt::format("{} migration {}: {}", component, m.version, e.message);
            return unexpected(std::move(e));
        }
        if (auto r = record->bind_text(1, component); !r) return unexpected(r.error());
        if (auto r = record->bind(2, m.version); !r) return unexpected(r.error());
        if (auto r = record->bind(3, now); !r) return unexpected(r.error());
        if (auto r = record->run(); !r) return unexpected(r.error());
    }
    if (auto r = tx->commit(); !r) return unexpected(r.error());
    return known;
}

Expected<int, Error> schema_version(sqlite::Database& db, std::string_view component) {
    auto exists = db.query_int64(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'");
    if (!exists) return unexpected(exists.error());
    if (*exists == 0) return 0;
    auto stmt =
        db.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations WHERE component = ?1");
    if (!stmt) return unexpected(stmt.error());
    if (auto r = stmt->bind_text(1, component); !r) return unexpected(r.error());
    auto row = stmt->step();
    if (!row) return unexpected(row.error());
    return static_cast<int>(stmt->column_int64(0));
}

}  // namespace ts::store
