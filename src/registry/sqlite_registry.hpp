#pragma once
// The SQLite-backed Registry: validation, then SQLite, then the cache.
// Management writes are serialised by one mutex that also guards the
// database connection, so the cache changes in the same order as the store
// and never shows what was not stored. Hot-path reads touch only the cache.
//
// Defined over three files: sqlite_registry.cpp (opening, hot path,
// connection state, events), registry_products.cpp (products and topic
// classes) and registry_devices.cpp (devices).
#include <fmt/format.h>

#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "registry/registry.hpp"
#include "registry/registry_cache.hpp"
#include "registry/registry_store.hpp"
#include "registry/status_writer.hpp"

namespace ts::registry {

inline constexpr std::size_t kDefaultPageSize = 50;
inline constexpr std::size_t kMaxPageSize = 1000;
inline constexpr std::size_t kMaxBatch = 10'000;
// Collisions of 62^9 keys or 62^20 names are not expected; the bound only
// keeps a broken generator from looping forever.
inline constexpr int kGenerateAttempts = 16;

inline Unexpected<RegistryError> error(Errc code, std::string message) {
    return unexpected(RegistryError{code, std::move(message)});
}

inline Unexpected<RegistryError> product_not_found(const std::string& pk) {
    return error(Errc::ProductNotFound, fmt::format("product {} does not exist", pk));
}

inline Unexpected<RegistryError> device_not_found(const std::string& pk, const std::string& dn) {
    return error(Errc::DeviceNotFound, fmt::format("device {}/{} does not exist", pk, dn));
}

// 0 means the default; sizes above the maximum are clamped rather than
// refused, so a client asking for "everything" gets the largest page and a
// token for the rest.
std::size_t effective_page_size(std::size_t requested);

// Page tokens are the hex of the last key returned: opaque to clients,
// stable across inserts and deletes, and no state on the server.
Result<std::string> decode_page_token(const std::string& token);

class SqliteRegistry final : public Registry {
public:
    SqliteRegistry(RegistryStore store, const Clock& clock);
    // Fills the cache and starts the connection-state writer.
    Result<void> start(RegistrySnapshot snap);

    Result<Product> create_product(const ProductSpec& spec) override;
    Result<Page<Product>> list_products(std::size_t page_size,
                                        const std::string& page_token) override;
    Result<Product> get_product(const std::string& pk) override;
    Result<Product> update_product(const std::string& pk, const ProductPatch& patch) override;
    Result<void> delete_product(const std::string& pk) override;

    Result<Device> register_device(const std::string& pk, const std::string& name) override;
    Result<std::vector<Device>> register_devices(const std::string& pk,
                                                 const std::vector<std::string>& names) override;
    Result<std::vector<Device>> register_devices(const std::string& pk, std::size_t count) override;
    Result<Page<Device>> list_devices(const std::string& pk, const DeviceFilter& filter,
                                      std::size_t page_size,
                                      const std::string& page_token) override;
    Result<Device> get_device(const std::string& pk, const std::string& dn) override;
    Result<void> delete_device(const std::string& pk, const std::string& dn) override;
    Result<Device> set_enabled(const std::string& pk, const std::string& dn, bool enabled) override;
    Result<Device> rotate_secret(const std::string& pk, const std::string& dn) override;
    Result<Device> set_tags(const std::string& pk, const std::string& dn,
                            const std::map<std::string, std::string>& tags) override;
    Result<Device> set_firmware_version(const std::string& pk, const std::string& dn,
                                        const std::string& module,
                                        const std::string& version) override;

    Result<std::vector<TopicClass>> list_topic_classes(const std::string& pk) override;
    Result<TopicClass> add_topic_class(const std::string& pk, const std::string& topic,
                                       TopicPermission permission,
                                       const std::string& description) override;
    Result<void> delete_topic_class(const std::string& pk, const std::string& topic) override;

    std::shared_ptr<const Device> find_device(std::string_view pk,
                                              std::string_view dn) const override;
    std::shared_ptr<const Product> find_product(std::string_view pk) const override;
    std::shared_ptr<const std::vector<TopicClass>> topic_classes(
        std::string_view pk) const override;
    DeviceCounts count_devices() const override;

    void mark_online(const std::string& pk, const std::string& dn, const std::string& ip,
                     std::int64_t time_ms) override;
    void mark_offline(const std::string& pk, const std::string& dn, std::int64_t time_ms) override;
    void set_listener(std::function<void(const DeviceEvent&)> listener) override;
    bool status_write_failed() const override { return status_.last_write_failed(); }

private:
    using NameSet = std::set<std::string, std::less<>>;

    Result<void> require_device(const std::string& pk, const std::string& dn) const;
    // Under the write lock: checks the device exists, runs `write` against
    // the store, then applies `change` to the cached device.
    Result<Device> change_device(const std::string& pk, const std::string& dn,
                                 const std::function<Result<void>()>& write,
                                 const std::function<void(Device&)>& change);
    // `generate`: the names are empty placeholders and get generated.
    Result<std::vector<Device>> register_named(const std::string& pk,
                                               const std::vector<std::string>& names,
                                               bool generate);
    Result<std::string> fresh_name(const std::string& pk, NameSet& taken);
    void notify(const DeviceEvent& event);

    std::mutex mutex_;  // management writes and the database connection
    RegistryStore store_;
    const Clock& clock_;
    RegistryCache cache_;
    std::mutex listener_mutex_;
    std::function<void(const DeviceEvent&)> listener_;
    // Last: destroyed first, so its final flush still has the store.
    StatusWriter status_;
};

}  // namespace ts::registry
