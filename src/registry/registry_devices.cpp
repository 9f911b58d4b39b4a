// SqliteRegistry: devices.
#include "registry/ids.hpp"
#include "registry/secret_box.hpp"
#include "registry/sqlite_registry.hpp"
#include "registry/validate.hpp"

namespace ts::registry {

Result<Device> SqliteRegistry::register_device(const std::string& pk, const std::string& name) {
    auto created = register_named(pk, {name}, name.empty());
    if (!created) return unexpected(created.error());
    return std::move(created->front());
}

Result<std::vector<Device>> SqliteRegistry::register_devices(
    const std::string& pk, const std::vector<std::string>& names) {
    if (names.empty()) return error(Errc::InvalidArgument, "deviceNames: must not be empty");
    return register_named(pk, names, false);
}

Result<std::vector<Device>> SqliteRegistry::register_devices(const std::string& pk,
                                                             std::size_t count) {
    if (count == 0) return error(Errc::InvalidArgument, "count: must be at least 1");
    if (count > kMaxBatch) {
        return error(Errc::LimitExceeded,
                     fmt::format("count: at most {} devices per batch, got {}", kMaxBatch, count));
    }
    return register_named(pk, std::vector<std::string>(count), true);
}

Result<Page<Device>> SqliteRegistry::list_devices(const std::string& pk, const DeviceFilter& filter,
                                                  std::size_t page_size,
                                                  const std::string& page_token) {
    auto after = decode_page_token(page_token);
    if (!after) return unexpected(after.error());
    Page<Device> page;
    bool more = false;
    if (!cache_.list_devices(pk, filter, *after, effective_page_size(page_size), page.items,
                             more)) {
        return product_not_found(pk);
    }
    if (more) page.next_page_token = to_hex(page.items.back().device_name);
    return page;
}

Result<Device> SqliteRegistry::get_device(const std::string& pk, const std::string& dn) {
    if (auto d = cache_.find_device(pk, dn)) return *d;
    if (!cache_.find_product(pk)) return product_not_found(pk);
    return device_not_found(pk, dn);
}

Result<void> SqliteRegistry::delete_device(const std::string& pk, const std::string& dn) {
    {
        std::lock_guard lock(mutex_);
        if (auto r = require_device(pk, dn); !r) return r;
        if (auto r = store_.delete_device(pk, dn); !r) return r;
        cache_.erase_device(pk, dn);
        status_.forget(pk, dn);
    }
    notify({DeviceEvent::Kind::Deleted, pk, dn});
    return {};
}

Result<Device> SqliteRegistry::set_enabled(const std::string& pk, const std::string& dn,
                                           bool enabled) {
    auto d = change_device(
        pk, dn, [&] { return store_.set_enabled(pk, dn, enabled); },
        [&](Device& dev) { dev.enabled = enabled; });
    if (d) notify({enabled ? DeviceEvent::Kind::Enabled : DeviceEvent::Kind::Disabled, pk, dn});
    return d;
}

Result<Device> SqliteRegistry::rotate_secret(const std::string& pk, const std::string& dn) {
    auto secret = generate_device_secret();
    if (!secret) return unexpected(secret.error());
    auto d = change_device(
        pk, dn, [&] { return store_.set_secret(pk, dn, *secret); },
        [&](Device& dev) { dev.device_secret = *secret; });
    if (d) notify({DeviceEvent::Kind::SecretRotated, pk, dn});
    return d;
}

Result<Device> SqliteRegistry::set_tags(const std::string& pk, const std::string& dn,
                                        const std::map<std::string, std::string>& tags) {
    if (auto r = check_tags(tags); !r) return unexpected(r.error());
    return change_device(
        pk, dn, [&] { return store_.set_tags(pk, dn, tags); },
        [&](Device& dev) { dev.tags = tags; });
}

Result<Device> SqliteRegistry::set_firmware_version(const std::string& pk, const std::string& dn,
                                                    const std::string& module,
                                                    const std::string& version) {
    if (auto r = check_firmware_version(module, version); !r) return unexpected(r.error());
    // Every connect of Alibaba's C SDK reports the version again: the same
    // version costs a cache read, not a write.
    if (auto d = cache_.find_device(pk, dn)) {
        auto it = d->firmware_versions.find(module);
        if (it != d->firmware_versions.end() && it->second == version) return *d;
        if (it == d->firmware_versions.end() && d->firmware_versions.size() >= kMaxFirmwareModules)
            return error(Errc::InvalidArgument,
                         fmt::format("module: a device reports at most {} firmware modules",
                                     kMaxFirmwareModules));
    }
    const std::int64_t now = clock_.wall_ms();
    return change_device(
        pk, dn, [&] { return store_.put_firmware_version(pk, dn, module, version, now); },
        [&](Device& dev) {
            dev.firmware_versions[module] = version;
            if (module == kDefaultFirmwareModule) dev.firmware_version = version;
        });
}

Result<void> SqliteRegistry::require_device(const std::string& pk, const std::string& dn) const {
    if (cache_.find_device(pk, dn)) return {};
    if (!cache_.find_product(pk)) return product_not_found(pk);
    return device_not_found(pk, dn);
}

Result<Device> SqliteRegistry::change_device(const std::string& pk, const std::string& dn,
                                             const std::function<Result<void>()>& write,
                                             const std::function<void(Device&)>& change) {
    std::lock_guard lock(mutex_);
    if (auto r = require_device(pk, dn); !r) return unexpected(r.error());
    if (auto r = write(); !r) return unexpected(r.error());
    // Present: deletions take the same lock.
    return *cache_.update_device(pk, dn, change);
}

Result<std::vector<Device>> SqliteRegistry::register_named(const std::string& pk,
                                                           const std::vector<std::string>& names,
                                                           bool generate) {
    if (names.size() > kMaxBatch) {
        return error(Errc::LimitExceeded, fmt::format("deviceNames: at most {} devices per batch, "
                                                      "got {}",
                                                      kMaxBatch, names.size()));
    }
    const char* field = names.size() == 1 ? "deviceName" : "deviceNames";
    if (!generate) {
        for (const auto& n : names) {
            if (auto r = check_device_name(n, field); !r) return unexpected(r.error());
        }
    }
    std::lock_guard lock(mutex_);
    if (!cache_.find_product(pk)) return product_not_found(pk);
    NameSet taken;
    std::vector<Device> devices;
    devices.reserve(names.size());
    const std::int64_t now = clock_.wall_ms();
    for (const auto& requested : names) {
        Device d;
        d.product_key = pk;
        d.created_time = now;
        if (generate) {
            auto name = fresh_name(pk, taken);
            if (!name) return unexpected(name.error());
            d.device_name = std::move(*name);
        } else {
            if (cache_.find_device(pk, requested)) {
                return error(Errc::DeviceExists,
                             fmt::format("device {}/{} already exists", pk, requested));
            }
            if (!taken.insert(requested).second) {
                return error(Errc::InvalidArgument,
                             fmt::format("{}: {} appears twice", field, requested));
            }
            d.device_name = requested;
        }
        auto secret = generate_device_secret();
        if (!secret) return unexpected(secret.error());
        d.device_secret = std::move(*secret);
        devices.push_back(std::move(d));
    }
    // One transaction: a failure leaves neither the store nor the cache
    // with part of the batch.
    if (auto r = store_.insert_devices(devices); !r) return unexpected(r.error());
    for (const auto& d : devices) cache_.put_device(d);
    return devices;
}

Result<std::string> SqliteRegistry::fresh_name(const std::string& pk, NameSet& taken) {
    for (int i = 0; i < kGenerateAttempts; ++i) {
        auto name = generate_device_name();
        if (!name) return name;
        if (!cache_.find_device(pk, *name) && taken.insert(*name).second) return name;
    }
    return error(Errc::DeviceExists, "no free device name found");
}

}  // namespace ts::registry
