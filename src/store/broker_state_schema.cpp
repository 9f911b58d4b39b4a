#include "store/broker_state_schema.hpp"

namespace ts::store {

namespace {

// Retained messages and queued messages carry payloads of any size, so they
// stay rowid tables (WITHOUT ROWID suits small rows only). Subscriptions and
// messages have no foreign key to their session: the broker may write them
// before the session row, and delete_session removes them explicitly.
// seq is stored as a signed 64-bit integer; sequences start at small numbers
// and never approach 2^63, where the ordering would wrap.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE broker_retained (
    topic          TEXT    NOT NULL PRIMARY KEY,
    payload        BLOB    NOT NULL,
    qos            INTEGER NOT NULL,
    properties     BLOB    NOT NULL,
    expiry_wall_ms INTEGER NOT NULL
);
CREATE TABLE broker_sessions (
    client_id            TEXT    NOT NULL PRIMARY KEY,
    expiry_interval_s    INTEGER NOT NULL,
    disconnected_wall_ms INTEGER NOT NULL,
    protocol_version     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE broker_subscriptions (
    client_id       TEXT    NOT NULL,
    filter          TEXT    NOT NULL,
    options         INTEGER NOT NULL,
    subscription_id INTEGER NOT NULL,
    PRIMARY KEY (client_id, filter)
) WITHOUT ROWID;
CREATE TABLE broker_messages (
    client_id      TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    topic          TEXT    NOT NULL,
    payload        BLOB    NOT NULL,
    qos            INTEGER NOT NULL,
    retain         INTEGER NOT NULL,
    properties     BLOB    NOT NULL,
    expiry_wall_ms INTEGER NOT NULL,
    packet_id      INTEGER NOT NULL,
    pubrel_pending INTEGER NOT NULL,
    PRIMARY KEY (client_id, seq)
);
)sql"},
};

}  // namespace

std::span<const Migration> broker_state_migrations() {
    return kMigrations;
}

}  // namespace ts::store
