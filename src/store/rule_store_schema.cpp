#include "store/rule_store_schema.hpp"

namespace ts::store {

namespace {

// AUTOINCREMENT so that the id of a deleted rule is never handed out again:
// ids appear in metrics labels, logs and scripts, and a reused one would
// splice the history of two different rules together.
//
// actions_json and error_action_json hold the action objects exactly as the
// user gave them; the rules layer validated them before they got here and
// validates them again when it loads them (a newer build may be stricter).
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE rules (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT    NOT NULL UNIQUE,
    description       TEXT    NOT NULL,
    sql               TEXT    NOT NULL,
    actions_json      TEXT    NOT NULL,
    error_action_json TEXT    NOT NULL,
    enabled           INTEGER NOT NULL,
    created_ms        INTEGER NOT NULL,
    updated_ms        INTEGER NOT NULL
);
)sql"},
};

}  // namespace

std::span<const Migration> rule_store_migrations() {
    return kMigrations;
}

}  // namespace ts::store
