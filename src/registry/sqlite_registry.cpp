#include "registry/sqlite_registry.hpp"

#include "core/log.hpp"
#include "registry/secret_box.hpp"

namespace ts::registry {

namespace {

StatusRecord record_of(const Device& d) {
    return {d.product_key, d.device_name, d.first_online_time, d.last_online_time, d.ip_address};
}

}  // namespace

std::size_t effective_page_size(std::size_t requested) {
    if (requested == 0) return kDefaultPageSize;
    return std::min(requested, kMaxPageSize);
}

Result<std::string> decode_page_token(const std::string& token) {
    std::string key;
    if (!from_hex(token, key)) return error(Errc::InvalidArgument, "pageToken: malformed");
    return key;
}

SqliteRegistry::SqliteRegistry(RegistryStore store, const Clock& clock)
    : store_(std::move(store)), clock_(clock), status_([this](const auto& batch) {
          std::lock_guard lock(mutex_);
          return store_.write_status(batch);
      }) {}

Result<void> SqliteRegistry::start(RegistrySnapshot snap) {
    for (auto& p : snap.products) cache_.put_product(std::move(p));
    std::map<std::string, std::vector<TopicClass>> classes;
    for (auto& tc : snap.topic_classes) classes[tc.product_key].push_back(std::move(tc));
    for (auto& [pk, list] : classes) cache_.put_topic_classes(pk, std::move(list));
    for (auto& d : snap.devices) cache_.put_device(std::move(d));
    return status_.start();
}

std::shared_ptr<const Device> SqliteRegistry::find_device(std::string_view pk,
                                                          std::string_view dn) const {
    return cache_.find_device(pk, dn);
}

std::shared_ptr<const Product> SqliteRegistry::find_product(std::string_view pk) const {
    return cache_.find_product(pk);
}

std::shared_ptr<const std::vector<TopicClass>> SqliteRegistry::topic_classes(
    std::string_view pk) const {
    return cache_.topic_classes(pk);
}

DeviceCounts SqliteRegistry::count_devices() const {
    return cache_.count_devices();
}

void SqliteRegistry::mark_online(const std::string& pk, const std::string& dn,
                                 const std::string& ip, std::int64_t time_ms) {
    // The record is queued inside the cache's lock, so queue order is cache
    // order even when two threads change the same device.
    cache_.update_device(pk, dn, [&](Device& d) {
        d.online = true;
        if (d.first_online_time == 0) d.first_online_time = time_ms;
        d.last_online_time = time_ms;
        d.ip_address = ip;
        status_.enqueue(record_of(d));
    });
}

void SqliteRegistry::mark_offline(const std::string& pk, const std::string& dn,
                                  std::int64_t /*time_ms*/) {
    // Nothing stored changes: the online flag lives in the cache only.
    cache_.update_device(pk, dn, [&](Device& d) { d.online = false; });
}

void SqliteRegistry::set_listener(std::function<void(const DeviceEvent&)> listener) {
    std::lock_guard lock(listener_mutex_);
    listener_ = std::move(listener);
}

void SqliteRegistry::notify(const DeviceEvent& event) {
    std::function<void(const DeviceEvent&)> listener;
    {
        std::lock_guard lock(listener_mutex_);
        listener = listener_;
    }
    // Outside every lock: the listener may call back into the registry.
    if (listener) listener(event);
}

Result<std::unique_ptr<Registry>> open_sqlite_registry(const std::string& path,
                                                       const std::string& master_key,
                                                       const Clock& clock) {
    auto store = RegistryStore::open(path, master_key);
    if (!store) return unexpected(store.error());
    auto snap = store->load();
    if (!snap) return unexpected(snap.error());
    auto registry = std::make_unique<SqliteRegistry>(std::move(*store), clock);
    if (auto r = registry->start(std::move(*snap)); !r) return unexpected(r.error());
    log::get("registry")->info("registry {} open", path);
    return std::unique_ptr<Registry>(std::move(registry));
}

}  // namespace ts::registry
