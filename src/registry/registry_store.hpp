#pragma once
// The registry's SQL: one method per management write, each its own
// transaction, secrets sealed on the way in and opened on the way out.
// Not thread-safe; the registry serialises calls.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "registry/registry.hpp"
#include "registry/secret_box.hpp"
#include "registry/status_writer.hpp"
#include "store/sqlite_db.hpp"

namespace ts::registry {

struct RegistrySnapshot {
    std::vector<Product> products;
    std::vector<TopicClass> topic_classes;
    std::vector<Device> devices;  // ordered by (product_key, device_name)
};

class RegistryStore {
public:
    // Opens the database, applies migrations and checks that `master_key` is
    // the key the data was written with. Marks every device offline: no
    // connection survives a restart.
    static Result<RegistryStore> open(const std::string& path, std::string_view master_key);

    Result<RegistrySnapshot> load();

    Result<void> insert_product(const Product& product, const std::vector<TopicClass>& classes);
    Result<void> update_product(const Product& product);  // name, description, validation mode
    Result<void> delete_product(const std::string& pk);

    Result<void> insert_devices(const std::vector<Device>& devices);  // one transaction
    Result<void> delete_device(const std::string& pk, const std::string& dn);
    Result<void> set_enabled(const std::string& pk, const std::string& dn, bool enabled);
    Result<void> set_secret(const std::string& pk, const std::string& dn,
                            const std::string& secret);
    Result<void> set_tags(const std::string& pk, const std::string& dn,
                          const std::map<std::string, std::string>& tags);
    Result<void> put_firmware_version(const std::string& pk, const std::string& dn,
                                      const std::string& module, const std::string& version,
                                      std::int64_t time_ms);

    Result<void> insert_topic_class(const TopicClass& tc);
    Result<void> delete_topic_class(const std::string& pk, const std::string& topic);

    Result<void> write_status(const std::vector<StatusRecord>& records);

private:
    RegistryStore(store::sqlite::Database db, SecretBox box)
        : db_(std::move(db)), box_(std::move(box)) {}

    Result<void> check_master_key();
    template <class... Args>
    Result<void> run(std::string_view sql, const Args&... args);
    Result<void> insert_class(const TopicClass& tc);
    Result<void> insert_tags(const std::string& pk, const std::string& dn,
                             const std::map<std::string, std::string>& tags);

    store::sqlite::Database db_;
    SecretBox box_;
};

RegistryError storage_error(const Error& e);

// The associated data a secret is sealed with: its row.
std::string product_secret_aad(std::string_view pk);
std::string device_secret_aad(std::string_view pk, std::string_view dn);

}  // namespace ts::registry
