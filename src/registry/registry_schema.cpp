#include "registry/registry_schema.hpp"

namespace ts::registry {

namespace {

// Secrets are BLOBs sealed by SecretBox (nonce || ciphertext || tag), never
// text. registry_meta holds the master key check value, so a registry
// opened with another key fails at open instead of at the first CONNECT.
// Devices reference their product without ON DELETE CASCADE: a product with
// devices must not be deletable, and the constraint says so a second time.
// Tags and topic classes go with their owner. Topic classes keep a rowid:
// it records the order they were added in, which listings preserve. enum columns hold the API
// spellings ("device", "pub", ...), which are stable by contract.
constexpr store::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE registry_meta (
    name  TEXT NOT NULL PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE registry_products (
    product_key    TEXT    NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    node_type      TEXT    NOT NULL,
    data_format    TEXT    NOT NULL,
    auth_type      TEXT    NOT NULL,
    product_secret BLOB    NOT NULL,
    description    TEXT    NOT NULL,
    created_time   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE registry_devices (
    product_key       TEXT    NOT NULL REFERENCES registry_products (product_key),
    device_name       TEXT    NOT NULL,
    device_secret     BLOB    NOT NULL,
    enabled           INTEGER NOT NULL,
    online            INTEGER NOT NULL DEFAULT 0,
    created_time      INTEGER NOT NULL,
    first_online_time INTEGER NOT NULL DEFAULT 0,
    last_online_time  INTEGER NOT NULL DEFAULT 0,
    ip_address        TEXT    NOT NULL DEFAULT '',
    firmware_version  TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (product_key, device_name)
) WITHOUT ROWID;
CREATE TABLE registry_device_tags (
    product_key TEXT NOT NULL,
    device_name TEXT NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (product_key, device_name, tag_key),
    FOREIGN KEY (product_key, device_name)
        REFERENCES registry_devices (product_key, device_name) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE registry_topic_classes (
    product_key  TEXT    NOT NULL REFERENCES registry_products (product_key) ON DELETE CASCADE,
    topic        TEXT    NOT NULL,
    permission   TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    created_time INTEGER NOT NULL,
    PRIMARY KEY (product_key, topic)
);
)sql"},
    // Per product, how property posts are checked against the thing model.
    // Existing products get the default, "strict".
    {2, R"sql(
ALTER TABLE registry_products ADD COLUMN validation_mode TEXT NOT NULL DEFAULT 'strict';
)sql"},
    // When devices were last seen, in a narrow table of its own: every
    // CONNECT updates it (written behind, in batches), and rewriting the whole
    // device row — sealed secret included — for that made the status writer
    // 12 % of the platform's CPU per signed connect. Each device gets its row
    // when it is created, so the writer only ever updates. The online flag is
    // no longer stored: no connection survives a restart, so it was reset at
    // every open and never read.
    {3, R"sql(
CREATE TABLE registry_device_activity (
    product_key       TEXT    NOT NULL,
    device_name       TEXT    NOT NULL,
    first_online_time INTEGER NOT NULL DEFAULT 0,
    last_online_time  INTEGER NOT NULL DEFAULT 0,
    ip_address        TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (product_key, device_name),
    FOREIGN KEY (product_key, device_name)
        REFERENCES registry_devices (product_key, device_name) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO registry_device_activity (product_key, device_name, first_online_time,
                                      last_online_time, ip_address)
    SELECT product_key, device_name, first_online_time, last_online_time, ip_address
    FROM registry_devices;
ALTER TABLE registry_devices DROP COLUMN online;
ALTER TABLE registry_devices DROP COLUMN first_online_time;
ALTER TABLE registry_devices DROP COLUMN last_online_time;
ALTER TABLE registry_devices DROP COLUMN ip_address;
)sql"},
    // Firmware versions as devices report them (/ota/device/inform), one row
    // per module; they go with the device. The single firmware_version column
    // of registry_devices was never written by anything; a value it holds
    // becomes the "default" module's.
    {4, R"sql(
CREATE TABLE registry_device_firmware (
    product_key TEXT    NOT NULL,
    device_name TEXT    NOT NULL,
    module      TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    time        INTEGER NOT NULL,
    PRIMARY KEY (product_key, device_name, module),
    FOREIGN KEY (product_key, device_name)
        REFERENCES registry_devices (product_key, device_name) ON DELETE CASCADE
) WITHOUT ROWID;
INSERT INTO registry_device_firmware (product_key, device_name, module, version, time)
    SELECT product_key, device_name, 'default', firmware_version, created_time
    FROM registry_devices WHERE firmware_version != '';
)sql"},
};

}  // namespace

std::span<const store::Migration> registry_migrations() {
    return kMigrations;
}

}  // namespace ts::registry
