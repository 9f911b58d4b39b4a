#include "registry/registry_store.hpp"

#include <fmt/format.h>

#include "registry/registry_schema.hpp"

namespace ts::registry {

namespace {

using store::sqlite::Blob;
using store::sqlite::Database;
using store::sqlite::Transaction;
using store::sqlite::TxMode;

constexpr std::string_view kKeyCheckName = "master_key_check";
constexpr std::string_view kKeyCheckPlain = "thingstead registry master key check v1";

Unexpected<RegistryError> fail(const Error& e) {
    return unexpected(storage_error(e));
}

}  // namespace

RegistryError storage_error(const Error& e) {
    return RegistryError{Errc::StorageError, "registry store: " + e.message};
}

std::string product_secret_aad(std::string_view pk) {
    return fmt::format("product/{}", pk);
}

std::string device_secret_aad(std::string_view pk, std::string_view dn) {
    return fmt::format("device/{}/{}", pk, dn);
}

template <class... Args>
Result<void> RegistryStore::run(std::string_view sql, const Args&... args) {
    auto st = db_.prepare(sql);
    if (!st) return fail(st.error());
    if (auto r = st->bind_all(args...); !r) return fail(r.error());
    if (auto r = st->run(); !r) return fail(r.error());
    return {};
}

Result<RegistryStore> RegistryStore::open(const std::string& path, std::string_view master_key) {
    auto box = SecretBox::create(master_key);
    if (!box) return unexpected(box.error());
    auto db = Database::open(path);
    if (!db) return fail(db.error());
    if (auto v = store::apply_migrations(*db, kRegistryComponent, registry_migrations()); !v) {
        return fail(v.error());
    }
    RegistryStore s(std::move(*db), std::move(*box));
    if (auto r = s.check_master_key(); !r) return unexpected(r.error());
    return s;
}

Result<void> RegistryStore::check_master_key() {
    auto tx = Transaction::begin(db_, TxMode::immediate);
    if (!tx) return fail(tx.error());
    auto st = db_.prepare("SELECT value FROM registry_meta WHERE name = ?1");
    if (!st) return fail(st.error());
    if (auto r = st->bind_all(kKeyCheckName); !r) return fail(r.error());
    auto row = st->step();
    if (!row) return fail(row.error());
    if (*row) {
        const std::string sealed = st->column_blob(0);
        auto plain = box_.open(sealed, kKeyCheckName);
        if (!plain || *plain != kKeyCheckPlain) {
            return unexpected(RegistryError{
                Errc::StorageError,
                fmt::format("registry {}: the master key is not the one its secrets were "
                            "encrypted with (check THINGSTEAD_MASTER_KEY or master.key)",
                            db_.path())});
        }
        return {};
    }
    st->reset();
    auto sealed = box_.seal(kKeyCheckPlain, kKeyCheckName);
    if (!sealed) return unexpected(sealed.error());
    if (auto r = run("INSERT INTO registry_meta (name, value) VALUES (?1, ?2)", kKeyCheckName,
                     Blob{*sealed});
        !r) {
        return r;
    }
    if (auto r = tx->commit(); !r) return fail(r.error());
    return {};
}

Result<void> RegistryStore::insert_class(const TopicClass& tc) {
    return run(
        "INSERT INTO registry_topic_classes (product_key, topic, permission, description, "
        "created_time) VALUES (?1, ?2, ?3, ?4, ?5)",
        tc.product_key, tc.topic, to_string(tc.permission), tc.description, tc.created_time);
}

Result<void> RegistryStore::insert_product(const Product& p,
                                           const std::vector<TopicClass>& classes) {
    auto sealed = box_.seal(p.product_secret, product_secret_aad(p.product_key));
    if (!sealed) return unexpected(sealed.error());
    auto tx = Transaction::begin(db_, TxMode::immediate);
    if (!tx) return fail(tx.error());
    if (auto r = run("INSERT INTO registry_products (product_key, name, node_type, data_format, "
                     "auth_type, product_secret, description, created_time, validation_mode) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                     p.product_key, p.name, to_string(p.node_type), to_string(p.data_format),
                     to_string(p.auth_type), Blob{*sealed}, p.description, p.created_time,
                     to_string(p.validation_mode));
        !r) {
        return r;
    }
    for (const auto& tc : classes)
        if (auto r = insert_class(tc); !r) return r;
    if (auto r = tx->commit(); !r) return fail(r.error());
    return {};
}

Result<void> RegistryStore::update_product(const Product& p) {
    return run(
        "UPDATE registry_products SET name = ?2, description = ?3, validation_mode = ?4 "
        "WHERE product_key = ?1",
        p.product_key, p.name, p.description, to_string(p.validation_mode));
}

Result<void> RegistryStore::delete_product(const std::string& pk) {
    // Topic classes go by ON DELETE CASCADE.
    return run("DELETE FROM registry_products WHERE product_key = ?1", pk);
}

Result<void> RegistryStore::insert_tags(const std::string& pk, const std::string& dn,
                                        const std::map<std::string, std::string>& tags) {
    for (const auto& [k, v] : tags) {
        if (auto r = run("INSERT INTO registry_device_tags (product_key, device_name, tag_key, "
                         "tag_value) VALUES (?1, ?2, ?3, ?4)",
                         pk, dn, k, v);
            !r) {
            return r;
        }
    }
    return {};
}

Result<void> RegistryStore::insert_devices(const std::vector<Device>& devices) {
    auto tx = Transaction::begin(db_, TxMode::immediate);
    if (!tx) return fail(tx.error());
    // Prepared once: a batch holds up to 10,000 rows.
    auto st = db_.prepare(
        "INSERT INTO registry_devices (product_key, device_name, device_secret, enabled, "
        "created_time, firmware_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st) return fail(st.error());
    auto activity = db_.prepare(
        "INSERT INTO registry_device_activity (product_key, device_name, first_online_time, "
        "last_online_time, ip_address) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!activity) return fail(activity.error());
    for (const auto& d : devices) {
        auto sealed = box_.seal(d.device_secret, device_secret_aad(d.product_key, d.device_name));
        if (!sealed) return unexpected(sealed.error());
        if (auto r = st->bind_all(d.product_key, d.device_name, Blob{*sealed}, d.enabled,
                                  d.created_time, d.firmware_version);
            !r) {
            return fail(r.error());
        }
        if (auto r = st->run(); !r) return fail(r.error());
        if (auto r = activity->bind_all(d.product_key, d.device_name, d.first_online_time,
                                        d.last_online_time, d.ip_address);
            !r) {
            return fail(r.error());
        }
        if (auto r = activity->run(); !r) return fail(r.error());
        if (auto r = insert_tags(d.product_key, d.device_name, d.tags); !r) return r;
    }
    if (auto r = tx->commit(); !r) return fail(r.error());
    return {};
}

Result<void> RegistryStore::delete_device(const std::string& pk, const std::string& dn) {
    // Tags, activity and firmware versions go by ON DELETE CASCADE.
    return run("DELETE FROM registry_devices WHERE product_key = ?1 AND device_name = ?2", pk, dn);
}

Result<void> RegistryStore::set_enabled(const std::string& pk, const std::string& dn,
                                        bool enabled) {
    return run(
        "UPDATE registry_devices SET enabled = ?3 WHERE product_key = ?1 AND device_name = ?2", pk,
        dn, enabled);
}

Result<void> RegistryStore::set_secret(const std::string& pk, const std::string& dn,
                                       const std::string& secret) {
    auto sealed = box_.seal(secret, device_secret_aad(pk, dn));
    if (!sealed) return unexpected(sealed.error());
    return run(
        "UPDATE registry_devices SET device_secret = ?3 WHERE product_key = ?1 AND device_name = "
        "?2",
        pk, dn, Blob{*sealed});
}

Result<void> RegistryStore::set_tags(const std::string& pk, const std::string& dn,
                                     const std::map<std::string, std::string>& tags) {
    auto tx = Transaction::begin(db_, TxMode::immediate);
    if (!tx) return fail(tx.error());
    if (auto r = run("DELETE FROM registry_device_tags WHERE product_key = ?1 AND device_name = ?2",
                     pk, dn);
        !r) {
        return r;
    }
    if (auto r = insert_tags(pk, dn, tags); !r) return r;
    if (auto r = tx->commit(); !r) return fail(r.error());
    return {};
}

Result<void> RegistryStore::put_firmware_version(const std::string& pk, const std::string& dn,
                                                 const std::string& module,
                                                 const std::string& version, std::int64_t time_ms) {
    return run(
        "INSERT INTO registry_device_firmware (product_key, device_name, module, version, time) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (product_key, device_name, module) DO UPDATE "
        "SET version = excluded.version, time = excluded.time",
        pk, dn, module, version, time_ms);
}

Result<void> RegistryStore::insert_topic_class(const TopicClass& tc) {
    return insert_class(tc);
}

Result<void> RegistryStore::delete_topic_class(const std::string& pk, const std::string& topic) {
    return run("DELETE FROM registry_topic_classes WHERE product_key = ?1 AND topic = ?2", pk,
               topic);
}

Result<void> RegistryStore::write_status(const std::vector<StatusRecord>& records) {
    auto tx = Transaction::begin(db_, TxMode::immediate);
    if (!tx) return fail(tx.error());
    // A device deleted since the record was queued simply matches no row.
    auto st = db_.prepare(
        "UPDATE registry_device_activity SET first_online_time = ?3, last_online_time = ?4, "
        "ip_address = ?5 WHERE product_key = ?1 AND device_name = ?2");
    if (!st) return fail(st.error());
    for (const auto& r : records) {
        if (auto b = st->bind_all(r.product_key, r.device_name, r.first_online_time,
                                  r.last_online_time, r.ip_address);
            !b) {
            return fail(b.error());
        }
        if (auto x = st->run(); !x) return fail(x.error());
    }
    if (auto r = tx->commit(); !r) return fail(r.error());
    return {};
}

}  // namespace ts::registry
