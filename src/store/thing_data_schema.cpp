#include "store/thing_data_schema.hpp"

namespace ts::store {

namespace {

// History tables (property_history, events, calls) page newest first by
// (time, seq). seq is an INTEGER PRIMARY KEY, so it is the rowid itself:
// stable across VACUUM, and appended to every index. The history indexes
// are therefore ascending on time: scanned backwards they yield (time desc,
// seq desc) with no sort step, which a DESC index (whose rowid suffix stays
// ascending) would need for rows with equal times.
//
// calls keep id as a unique key beside seq, so that replacing a call (its
// reply arrived) updates the row in place and it keeps its place in pages.
//
// latest_properties and desired are small rows looked up by their key only,
// hence WITHOUT ROWID (one b-tree instead of a table and an index). Shadow
// documents, thing models and config files can be large and stay rowid
// tables, which keep big rows out of the key's b-tree pages.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE thing_models (
    pk           TEXT    NOT NULL PRIMARY KEY,
    document     TEXT    NOT NULL,
    updated_time INTEGER NOT NULL
);
CREATE TABLE latest_properties (
    pk         TEXT    NOT NULL,
    dn         TEXT    NOT NULL,
    identifier TEXT    NOT NULL,
    value_json TEXT    NOT NULL,
    time_ms    INTEGER NOT NULL,
    PRIMARY KEY (pk, dn, identifier)
) WITHOUT ROWID;
CREATE TABLE property_history (
    seq        INTEGER PRIMARY KEY,
    pk         TEXT    NOT NULL,
    dn         TEXT    NOT NULL,
    identifier TEXT    NOT NULL,
    time_ms    INTEGER NOT NULL,
    value_json TEXT    NOT NULL
);
CREATE INDEX property_history_by_time ON property_history (pk, dn, identifier, time_ms);
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY,
    pk         TEXT    NOT NULL,
    dn         TEXT    NOT NULL,
    identifier TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    value_json TEXT    NOT NULL,
    time_ms    INTEGER NOT NULL
);
CREATE INDEX events_by_device ON events (pk, dn, time_ms);
CREATE INDEX events_by_identifier ON events (pk, dn, identifier, time_ms);
CREATE TABLE calls (
    seq             INTEGER PRIMARY KEY,
    id              TEXT    NOT NULL UNIQUE,
    pk              TEXT    NOT NULL,
    dn              TEXT    NOT NULL,
    identifier      TEXT    NOT NULL,
    params_json     TEXT    NOT NULL,
    request_time    INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    reply_code      INTEGER,
    reply_data_json TEXT    NOT NULL,
    reply_message   TEXT    NOT NULL,
    reply_time      INTEGER NOT NULL
);
CREATE INDEX calls_by_device ON calls (pk, dn, request_time);
CREATE TABLE shadows (
    pk            TEXT    NOT NULL,
    dn            TEXT    NOT NULL,
    document_json TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    updated_time  INTEGER NOT NULL,
    PRIMARY KEY (pk, dn)
);
CREATE TABLE desired (
    pk         TEXT    NOT NULL,
    dn         TEXT    NOT NULL,
    identifier TEXT    NOT NULL,
    value_json TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    time_ms    INTEGER NOT NULL,
    PRIMARY KEY (pk, dn, identifier)
) WITHOUT ROWID;
CREATE TABLE configs (
    pk           TEXT    NOT NULL PRIMARY KEY,
    config_id    TEXT    NOT NULL,
    content      BLOB    NOT NULL,
    sha256_hex   TEXT    NOT NULL,
    updated_time INTEGER NOT NULL
);
)sql"},
    // Property values keyed by an integer series id instead of three text
    // columns. Every history row and index entry repeated (pk, dn,
    // identifier), so each stored value cost a b-tree insert keyed by ~40
    // bytes of text. property_series holds one row per property of a device
    // with its latest value (replacing latest_properties); the writer caches
    // the ids, so a value costs an integer-keyed insert and, per batch, one
    // update by rowid for the newest value of each series.
    {2, R"sql(
CREATE TABLE property_series (
    id         INTEGER PRIMARY KEY,
    pk         TEXT    NOT NULL,
    dn         TEXT    NOT NULL,
    identifier TEXT    NOT NULL,
    value_json TEXT    NOT NULL,
    time_ms    INTEGER NOT NULL,
    UNIQUE (pk, dn, identifier)
);
INSERT INTO property_series (pk, dn, identifier, value_json, time_ms)
    SELECT pk, dn, identifier, value_json, time_ms FROM latest_properties;
-- SQLite takes the bare columns of a max() aggregate from the row holding
-- the maximum: the newest value of a series that has history but no latest
-- row, which the writer never left behind but a damaged file might.
INSERT OR IGNORE INTO property_series (pk, dn, identifier, value_json, time_ms)
    SELECT pk, dn, identifier, value_json, max(time_ms) FROM property_history
    GROUP BY pk, dn, identifier;
CREATE TABLE property_values (
    seq        INTEGER PRIMARY KEY,
    series     INTEGER NOT NULL,
    time_ms    INTEGER NOT NULL,
    value_json TEXT    NOT NULL
);
INSERT INTO property_values (seq, series, time_ms, value_json)
    SELECT h.seq, s.id, h.time_ms, h.value_json FROM property_history h
    JOIN property_series s ON s.pk = h.pk AND s.dn = h.dn AND s.identifier = h.identifier;
DROP TABLE property_history;
DROP TABLE latest_properties;
ALTER TABLE property_values RENAME TO property_history;
CREATE INDEX property_history_by_series ON property_history (series, time_ms);
)sql"},
};

}  // namespace

std::span<const Migration> thing_data_migrations() {
    return kMigrations;
}

}  // namespace ts::store
