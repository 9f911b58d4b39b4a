#include "registry/registry_cache.hpp"

#include <mutex>

namespace ts::registry {

namespace {

bool matches(const Device& d, const DeviceFilter& f) {
    if (f.status && d.status() != *f.status) return false;
    if (f.tag) {
        const auto it = d.tags.find(f.tag->first);
        if (it == d.tags.end()) return false;
        if (!f.tag->second.empty() && it->second != f.tag->second) return false;
    }
    return true;
}

}  // namespace

std::shared_ptr<const Product> RegistryCache::find_product(std::string_view pk) const {
    std::shared_lock lock(mutex_);
    const auto it = products_.find(pk);
    return it == products_.end() ? nullptr : it->second.product;
}

RegistryCache::DevicePtr RegistryCache::find_device(std::string_view pk,
                                                    std::string_view dn) const {
    std::shared_lock lock(mutex_);
    const auto p = products_.find(pk);
    if (p == products_.end()) return nullptr;
    const auto* d = p->second.find(dn);
    return d ? *d : nullptr;
}

std::shared_ptr<const std::vector<TopicClass>> RegistryCache::topic_classes(
    std::string_view pk) const {
    std::shared_lock lock(mutex_);
    const auto it = products_.find(pk);
    return it == products_.end() ? nullptr : it->second.classes;
}

std::size_t RegistryCache::device_count(std::string_view pk) const {
    std::shared_lock lock(mutex_);
    const auto it = products_.find(pk);
    return it == products_.end() ? 0 : it->second.devices.size();
}

DeviceCounts RegistryCache::count_devices() const {
    DeviceCounts c;
    std::shared_lock lock(mutex_);
    c.products = products_.size();
    for (const auto& [pk, entry] : products_) {
        c.total += entry.devices.size();
        for (const auto& [dn, d] : entry.devices) {
            switch (d->status()) {
                case DeviceStatus::Inactive:
                    ++c.inactive;
                    break;
                case DeviceStatus::Online:
                    ++c.online;
                    break;
                case DeviceStatus::Offline:
                    ++c.offline;
                    break;
                case DeviceStatus::Disabled:
                    ++c.disabled;
                    break;
            }
        }
    }
    return c;
}

bool RegistryCache::product_name_taken(std::string_view name, std::string_view except_pk) const {
    std::shared_lock lock(mutex_);
    for (const auto& [pk, entry] : products_)
        if (pk != except_pk && entry.product->name == name) return true;
    return false;
}

void RegistryCache::put_product(Product product) {
    auto ptr = std::make_shared<const Product>(std::move(product));
    std::unique_lock lock(mutex_);
    auto& entry = products_[ptr->product_key];
    if (!entry.classes) entry.classes = std::make_shared<const std::vector<TopicClass>>();
    entry.product = std::move(ptr);
}

void RegistryCache::put_topic_classes(const std::string& pk, std::vector<TopicClass> classes) {
    auto ptr = std::make_shared<const std::vector<TopicClass>>(std::move(classes));
    std::unique_lock lock(mutex_);
    const auto it = products_.find(pk);
    if (it != products_.end()) it->second.classes = std::move(ptr);
}

void RegistryCache::erase_product(const std::string& pk) {
    std::unique_lock lock(mutex_);
    products_.erase(pk);
}

void RegistryCache::put_device(Device device) {
    auto ptr = std::make_shared<const Device>(std::move(device));
    std::unique_lock lock(mutex_);
    const auto it = products_.find(ptr->product_key);
    if (it == products_.end()) return;
    auto& entry = it->second;
    const auto [at, added] = entry.devices.insert_or_assign(ptr->device_name, std::move(ptr));
    if (added) entry.by_name.emplace(at->first, &at->second);
}

void RegistryCache::erase_device(const std::string& pk, const std::string& dn) {
    std::unique_lock lock(mutex_);
    const auto it = products_.find(pk);
    if (it == products_.end()) return;
    it->second.by_name.erase(dn);
    it->second.devices.erase(dn);
}

RegistryCache::DevicePtr RegistryCache::update_device(std::string_view pk, std::string_view dn,
                                                      const std::function<void(Device&)>& change) {
    std::unique_lock lock(mutex_);
    const auto p = products_.find(pk);
    if (p == products_.end()) return nullptr;
    auto* d = p->second.find(dn);
    if (!d) return nullptr;
    auto copy = std::make_shared<Device>(**d);
    change(*copy);
    *d = copy;
    return copy;
}

std::vector<Product> RegistryCache::list_products(const std::string& after, std::size_t limit,
                                                  bool& more) const {
    std::vector<Product> out;
    more = false;
    std::shared_lock lock(mutex_);
    for (auto it = products_.upper_bound(after); it != products_.end(); ++it) {
        if (out.size() == limit) {
            more = true;
            break;
        }
        out.push_back(*it->second.product);
    }
    return out;
}

bool RegistryCache::list_devices(const std::string& pk, const DeviceFilter& filter,
                                 const std::string& after, std::size_t limit,
                                 std::vector<Device>& out, bool& more) const {
    more = false;
    std::shared_lock lock(mutex_);
    const auto p = products_.find(pk);
    if (p == products_.end()) return false;
    const auto& devices = p->second.devices;
    const std::string_view prefix = filter.name_prefix ? *filter.name_prefix : std::string_view{};
    // Names sharing a prefix are contiguous in the map: start at the later
    // of the token and the prefix, stop at the first name without it.
    auto it = devices.upper_bound(after);
    if (!prefix.empty() && prefix > after) it = devices.lower_bound(prefix);
    for (; it != devices.end(); ++it) {
        if (!it->first.starts_with(prefix)) break;
        if (!matches(*it->second, filter)) continue;
        if (out.size() == limit) {
            more = true;
            break;
        }
        out.push_back(*it->second);
    }
    return true;
}

}  // namespace ts::registry
