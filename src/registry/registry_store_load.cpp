// RegistryStore::load: the whole registry, read once at open.
#include <fmt/format.h>

#include <tuple>

#include "registry/registry_store.hpp"
#include "registry/validate.hpp"

namespace ts::registry {

namespace {

using store::sqlite::Statement;
using store::sqlite::Transaction;

Unexpected<RegistryError> fail(const Error& e) {
    return unexpected(storage_error(e));
}

// Rows hold the API spellings; a value this build does not know means the
// file was written by something else, and is reported rather than guessed.
template <typename T>
Result<T> parse_column(std::optional<T> v, std::string_view column, const std::string& value) {
    if (!v) {
        return unexpected(RegistryError{
            Errc::StorageError, fmt::format("registry store: unknown {} '{}'", column, value)});
    }
    return *v;
}

Result<Product> read_product(const Statement& row, const SecretBox& box) {
    Product p;
    p.product_key = row.column_text(0);
    p.name = row.column_text(1);
    const std::string node = row.column_text(2);
    const std::string format = row.column_text(3);
    const std::string auth = row.column_text(4);
    auto n = parse_column(parse_node_type(node), "node_type", node);
    if (!n) return unexpected(n.error());
    auto f = parse_column(parse_data_format(format), "data_format", format);
    if (!f) return unexpected(f.error());
    auto a = parse_column(parse_auth_type(auth), "auth_type", auth);
    if (!a) return unexpected(a.error());
    const std::string mode = row.column_text(8);
    auto m = parse_column(parse_validation_mode(mode), "validation_mode", mode);
    if (!m) return unexpected(m.error());
    auto secret = box.open(row.column_blob(5), product_secret_aad(p.product_key));
    if (!secret) {
        return unexpected(
            RegistryError{Errc::StorageError,
                          fmt::format("product {}: {}", p.product_key, secret.error().message)});
    }
    p.node_type = *n;
    p.data_format = *f;
    p.auth_type = *a;
    p.product_secret = std::move(*secret);
    p.description = row.column_text(6);
    p.created_time = row.column_int64(7);
    p.validation_mode = *m;
    return p;
}

}  // namespace

Result<RegistrySnapshot> RegistryStore::load() {
    RegistrySnapshot snap;
    // One read transaction, so the tables come from the same commit.
    auto tx = Transaction::begin(db_);
    if (!tx) return fail(tx.error());
    Result<void> failure;
    auto keep_first_error = [&](Result<void> r) {
        if (failure && !r) failure = std::move(r);
    };

    auto products = db_.prepare(
        "SELECT product_key, name, node_type, data_format, auth_type, product_secret, "
        "description, created_time, validation_mode FROM registry_products "
        "ORDER BY product_key");
    if (!products) return fail(products.error());
    auto st = store::sqlite::for_each_row(*products, [&](const Statement& row) {
        auto p = read_product(row, box_);
        if (p)
            snap.products.push_back(std::move(*p));
        else
            keep_first_error(unexpected(p.error()));
    });
    if (!st) return fail(st.error());

    auto classes = db_.prepare(
        "SELECT product_key, topic, permission, description, created_time "
        "FROM registry_topic_classes ORDER BY product_key, rowid");
    if (!classes) return fail(classes.error());
    st = store::sqlite::for_each_row(*classes, [&](const Statement& row) {
        TopicClass tc;
        tc.product_key = row.column_text(0);
        tc.topic = row.column_text(1);
        const std::string perm = row.column_text(2);
        auto p = parse_column(parse_topic_permission(perm), "permission", perm);
        if (!p) {
            keep_first_error(unexpected(p.error()));
            return;
        }
        tc.permission = *p;
        tc.description = row.column_text(3);
        tc.created_time = row.column_int64(4);
        snap.topic_classes.push_back(std::move(tc));
    });
    if (!st) return fail(st.error());

    auto devices = db_.prepare(
        "SELECT d.product_key, d.device_name, d.device_secret, d.enabled, d.created_time, "
        "coalesce(a.first_online_time, 0), coalesce(a.last_online_time, 0), "
        "coalesce(a.ip_address, ''), d.firmware_version "
        "FROM registry_devices d LEFT JOIN registry_device_activity a "
        "USING (product_key, device_name) ORDER BY d.product_key, d.device_name");
    if (!devices) return fail(devices.error());
    st = store::sqlite::for_each_row(*devices, [&](const Statement& row) {
        Device d;
        d.product_key = row.column_text(0);
        d.device_name = row.column_text(1);
        auto secret =
            box_.open(row.column_blob(2), device_secret_aad(d.product_key, d.device_name));
        if (!secret) {
            keep_first_error(unexpected(RegistryError{
                Errc::StorageError, fmt::format("device {}/{}: {}", d.product_key, d.device_name,
                                                secret.error().message)}));
            return;
        }
        d.device_secret = std::move(*secret);
        d.enabled = row.column_int64(3) != 0;
        d.created_time = row.column_int64(4);
        d.first_online_time = row.column_int64(5);
        d.last_online_time = row.column_int64(6);
        d.ip_address = row.column_text(7);
        d.firmware_version = row.column_text(8);
        snap.devices.push_back(std::move(d));
    });
    if (!st) return fail(st.error());

    // Tags come in the devices' order; one merge pass attaches them.
    auto tags = db_.prepare(
        "SELECT product_key, device_name, tag_key, tag_value FROM registry_device_tags "
        "ORDER BY product_key, device_name, tag_key");
    if (!tags) return fail(tags.error());
    std::size_t i = 0;
    st = store::sqlite::for_each_row(*tags, [&](const Statement& row) {
        const std::string pk = row.column_text(0);
        const std::string dn = row.column_text(1);
        while (i < snap.devices.size() &&
               std::tie(snap.devices[i].product_key, snap.devices[i].device_name) <
                   std::tie(pk, dn)) {
            ++i;
        }
        if (i < snap.devices.size() && snap.devices[i].product_key == pk &&
            snap.devices[i].device_name == dn) {
            snap.devices[i].tags.emplace(row.column_text(2), row.column_text(3));
        }
    });
    if (!st) return fail(st.error());

    // Firmware versions, merged the same way.
    auto firmware = db_.prepare(
        "SELECT product_key, device_name, module, version FROM registry_device_firmware "
        "ORDER BY product_key, device_name, module");
    if (!firmware) return fail(firmware.error());
    i = 0;
    st = store::sqlite::for_each_row(*firmware, [&](const Statement& row) {
        const std::string pk = row.column_text(0);
        const std::string dn = row.column_text(1);
        while (i < snap.devices.size() &&
               std::tie(snap.devices[i].product_key, snap.devices[i].device_name) <
                   std::tie(pk, dn)) {
            ++i;
        }
        if (i < snap.devices.size() && snap.devices[i].product_key == pk &&
            snap.devices[i].device_name == dn) {
            Device& d = snap.devices[i];
            std::string module = row.column_text(2);
            std::string version = row.column_text(3);
            if (module == kDefaultFirmwareModule) d.firmware_version = version;
            d.firmware_versions.insert_or_assign(std::move(module), std::move(version));
        }
    });
    if (!st) return fail(st.error());
    if (!failure) return unexpected(failure.error());
    return snap;
}

}  // namespace ts::registry
