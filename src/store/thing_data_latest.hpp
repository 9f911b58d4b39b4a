#pragma once
// The latest value of each property in a batch. A batch holds many values
// of the same properties; upserting each one would cost a b-tree search per
// value, while only the newest per property can change latest_properties.
// Collecting them first makes that one upsert per property and batch.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/thing_data.hpp"

namespace ts::store {

class BatchLatest {
public:
    struct Key {
        std::string_view product_key;
        std::string_view device_name;
        std::string_view identifier;
        bool operator==(const Key&) const = default;
    };

    // Keeps `value` when it is at least as new as the one kept for its
    // property: the order of a batch is the order of arrival, so of equal
    // times the later wins, as it would upserting one by one. The strings
    // are referenced, not copied: they must outlive clear().
    void offer(const std::string& pk, const std::string& dn, const PropertyValue& value);

    // f(key, value) for each property, in no particular order.
    template <class F>
    void for_each(F&& f) const {
        for (const auto& [key, value] : latest_) f(key, *value);
    }

    std::size_t size() const { return latest_.size(); }
    // Forgets every value (the buckets stay allocated for the next batch).
    void clear() { latest_.clear(); }

private:
    struct KeyHash {
        std::size_t operator()(const Key& k) const;
    };
    std::unordered_map<Key, const PropertyValue*, KeyHash> latest_;
};

}  // namespace ts::store
