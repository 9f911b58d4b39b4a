// The SQLite RuleStore: one small table in <data_dir>/rules.db. Rules change
// at the pace of an operator typing, so one connection behind a mutex is
// enough; the mutex keeps statements of concurrent API threads apart (a
// Database is used from one thread at a time, see sqlite_db.hpp).
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "store/migrations.hpp"
#include "store/rule_store.hpp"
#include "store/rule_store_schema.hpp"
#include "store/sqlite_db.hpp"

namespace ts::store {

namespace {

using sqlite::Database;
using sqlite::Statement;

constexpr std::string_view kColumns =
    "id, name, description, sql, actions_json, error_action_json, enabled, created_ms, "
    "updated_ms";

RuleRecord read_row(const Statement& s) {
    RuleRecord r;
    r.id = s.column_int64(0);
    r.name = s.column_text(1);
    r.description = s.column_text(2);
    r.sql = s.column_text(3);
    r.actions_json = s.column_text(4);
    r.error_action_json = s.column_text(5);
    r.enabled = s.column_int64(6) != 0;
    r.created_at_ms = s.column_int64(7);
    r.updated_at_ms = s.column_int64(8);
    return r;
}

class SqliteRuleStore final : public RuleStore {
public:
    explicit SqliteRuleStore(Database db) : db_(std::move(db)) {}

    Expected<std::vector<RuleRecord>, Error> list() override {
        std::lock_guard lock(mutex_);
        auto stmt = db_.prepare("SELECT " + std::string(kColumns) + " FROM rules ORDER BY id");
        if (!stmt) return unexpected(stmt.error());
        std::vector<RuleRecord> out;
        auto st =
            sqlite::for_each_row(*stmt, [&](const Statement& s) { out.push_back(read_row(s)); });
        if (!st) return unexpected(st.error());
        return out;
    }

    Expected<std::optional<RuleRecord>, Error> get(std::int64_t id) override {
        std::lock_guard lock(mutex_);
        return get_locked(id);
    }

    Expected<RuleRecord, Error> create(RuleRecord r) override {
        std::lock_guard lock(mutex_);
        // Rules are shown to operators only, so the wall clock is read here
        // rather than injected (as for thing models).
        r.created_at_ms = r.updated_at_ms = SystemClock{}.wall_ms();
        auto stmt = db_.prepare(
            "INSERT INTO rules (name, description, sql, actions_json, error_action_json, enabled, "
            "created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (!stmt) return unexpected(stmt.error());
        auto st = stmt->bind_all(r.name, r.description, r.sql, r.actions_json, r.error_action_json,
                                 r.enabled, r.created_at_ms, r.updated_at_ms);
        if (st) st = stmt->run();
        if (!st) return unexpected(st.error());
        r.id = db_.last_insert_rowid();
        return r;
    }

    Expected<RuleRecord, Error> update(const RuleRecord& r) override {
        std::lock_guard lock(mutex_);
        auto stmt = db_.prepare(
            "UPDATE rules SET name = ?2, description = ?3, sql = ?4, actions_json = ?5, "
            "error_action_json = ?6, enabled = ?7, updated_ms = ?8 WHERE id = ?1");
        if (!stmt) return unexpected(stmt.error());
        auto st = stmt->bind_all(r.id, r.name, r.description, r.sql, r.actions_json,
                                 r.error_action_json, r.enabled, SystemClock{}.wall_ms());
        if (st) st = stmt->run();
        if (!st) return unexpected(st.error());
        // Read back rather than patched up here, so created_ms comes from
        // the row and the caller sees exactly what is stored.
        auto stored = get_locked(r.id);
        if (!stored) return unexpected(stored.error());
        if (!*stored)
            return unexpected(make_error(StoreErrc::invalid_argument,
                                         "rule " + std::to_string(r.id) + " does not exist"));
        return std::move(**stored);
    }

    Expected<bool, Error> remove(std::int64_t id) override {
        std::lock_guard lock(mutex_);
        auto stmt = db_.prepare("DELETE FROM rules WHERE id = ?1");
        if (!stmt) return unexpected(stmt.error());
        auto st = stmt->bind_all(id);
        if (st) st = stmt->run();
        if (!st) return unexpected(st.error());
        return db_.changes() > 0;
    }

private:
    Expected<std::optional<RuleRecord>, Error> get_locked(std::int64_t id) {
        auto stmt = db_.prepare("SELECT " + std::string(kColumns) + " FROM rules WHERE id = ?1");
        if (!stmt) return unexpected(stmt.error());
        if (auto st = stmt->bind_all(id); !st) return unexpected(st.error());
        std::optional<RuleRecord> out;
        auto st = sqlite::for_each_row(*stmt, [&](const Statement& s) { out = read_row(s); });
        if (!st) return unexpected(st.error());
        return out;
    }

    std::mutex mutex_;
    Database db_;
};

}  // namespace

Expected<std::unique_ptr<RuleStore>, Error> open_sqlite_rule_store(const std::string& path) {
    auto db = Database::open(path);
    if (!db) return unexpected(db.error());
    auto version = apply_migrations(*db, kRuleStoreComponent, rule_store_migrations());
    if (!version) return unexpected(version.error());
    ts::log::get("store")->info("rule store opened: path={} schema_version={}", path, *version);
    return std::unique_ptr<RuleStore>(std::make_unique<SqliteRuleStore>(std::move(*db)));
}

}  // namespace ts::store
