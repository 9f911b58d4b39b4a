#pragma once
// The in-memory copy of the registry that CONNECT and topic checks read.
// Entries are immutable snapshots behind shared_ptr: a change builds a new
// object and swaps the pointer, so a reader holding a snapshot never sees it
// change and readers share one lock with writers only for the swap.
//
// Devices sit in an ordered map per product, so that listing walks names in
// order from a page token without sorting, and a hash index beside it points
// at the map's entries: CONNECT and status changes find a device with one
// hash instead of a dozen string comparisons down the tree (with 10,000
// devices the tree walk was 5 % of the platform's CPU per signed connect).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "registry/registry.hpp"

namespace ts::registry {

class RegistryCache {
public:
    using DevicePtr = std::shared_ptr<const Device>;

    std::shared_ptr<const Product> find_product(std::string_view pk) const;
    DevicePtr find_device(std::string_view pk, std::string_view dn) const;
    std::shared_ptr<const std::vector<TopicClass>> topic_classes(std::string_view pk) const;
    std::size_t device_count(std::string_view pk) const;
    DeviceCounts count_devices() const;
    // Product names are unique, as in Alibaba's console; `except_pk` is the
    // product being renamed.
    bool product_name_taken(std::string_view name, std::string_view except_pk) const;

    // Adds or replaces a product, keeping its devices.
    void put_product(Product product);
    void put_topic_classes(const std::string& pk, std::vector<TopicClass> classes);
    void erase_product(const std::string& pk);
    void put_device(Device device);
    void erase_device(const std::string& pk, const std::string& dn);
    // Applies `change` to a copy of the device and swaps it in, all under
    // the lock so that concurrent changes to different fields compose.
    // Returns the new snapshot, or nullptr when the device is unknown.
    DevicePtr update_device(std::string_view pk, std::string_view dn,
                            const std::function<void(Device&)>& change);

    // Up to `limit` products after `after` (a product key), by product key;
    // `more` tells whether others follow.
    std::vector<Product> list_products(const std::string& after, std::size_t limit,
                                       bool& more) const;
    // Up to `limit` matching devices named after `after`, by name. False
    // when the product is unknown.
    bool list_devices(const std::string& pk, const DeviceFilter& filter, const std::string& after,
                      std::size_t limit, std::vector<Device>& out, bool& more) const;

private:
    struct ProductEntry {
        std::shared_ptr<const Product> product;
        std::shared_ptr<const std::vector<TopicClass>> classes;
        std::map<std::string, DevicePtr, std::less<>> devices;
        // Keys view the map's keys and values point at its values: map
        // entries never move, and every change to `devices` changes this.
        std::unordered_map<std::string_view, DevicePtr*> by_name;

        DevicePtr* find(std::string_view dn) const {
            const auto it = by_name.find(dn);
            return it == by_name.end() ? nullptr : it->second;
        }
    };

    mutable std::shared_mutex mutex_;
    std::map<std::string, ProductEntry, std::less<>> products_;
};

}  // namespace ts::registry
