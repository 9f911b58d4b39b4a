#include "store/property_series_ids.hpp"

#include <unordered_map>

namespace ts::store {

const std::string& PropertySeriesIds::key(std::string_view pk, std::string_view dn,
                                          std::string_view identifier) {
    scratch_.assign(pk);
    scratch_ += '\0';
    scratch_ += dn;
    scratch_ += '\0';
    scratch_ += identifier;
    return scratch_;
}

std::optional<std::int64_t> PropertySeriesIds::find(std::string_view pk, std::string_view dn,
                                                    std::string_view identifier) {
    auto it = ids_.find(key(pk, dn, identifier));
    if (it == ids_.end()) return std::nullopt;
    return it->second;
}

void PropertySeriesIds::add(std::int64_t id) {
    if (ids_.size() >= max_entries_) ids_.clear();
    ids_.insert_or_assign(scratch_, id);
}

void PropertySeriesIds::add_existing(std::string_view pk, std::string_view dn,
                                     std::string_view identifier, std::int64_t id) {
    key(pk, dn, identifier);
    add(id);
}

void PropertySeriesIds::add_created(std::string_view pk, std::string_view dn,
                                    std::string_view identifier, std::int64_t id) {
    key(pk, dn, identifier);
    created_.push_back(scratch_);
    add(id);
}

void PropertySeriesIds::erase_device(std::string_view pk, std::string_view dn) {
    // Rare (a device or its data deleted), so a walk over the whole cache.
    key(pk, dn, {});
    const std::string_view prefix = scratch_;
    std::erase_if(ids_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
}

void PropertySeriesIds::rollback() {
    for (const std::string& k : created_) ids_.erase(k);
    created_.clear();
}

}  // namespace ts::store
