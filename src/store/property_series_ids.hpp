#pragma once
// The writer's cache of property series ids: (product key, device name,
// identifier) -> property_series.id. A stored value then costs an insert
// keyed by an integer instead of a lookup by three text columns.
//
// The cache must never name a series the database does not hold, since
// values would be stored under a dead id: ids created by a transaction that
// is rolled back are forgotten (rollback()), and a device's ids go with its
// data (erase_device()). A miss is always safe: the writer reads the id
// from the database before it creates a series.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ts::store {

class PropertySeriesIds {
public:
    // A cache of 250,000 series (25,000 devices of 10 properties) takes
    // ~30 MiB; when full it starts over rather than tracking use, so a
    // larger fleet pays a database lookup per series and refill.
    static constexpr std::size_t kDefaultMaxEntries = 250'000;

    explicit PropertySeriesIds(std::size_t max_entries = kDefaultMaxEntries)
        : max_entries_(max_entries) {}

    std::optional<std::int64_t> find(std::string_view pk, std::string_view dn,
                                     std::string_view identifier);
    // Remembers an id read from the database.
    void add_existing(std::string_view pk, std::string_view dn, std::string_view identifier,
                      std::int64_t id);
    // Remembers an id the current transaction created.
    void add_created(std::string_view pk, std::string_view dn, std::string_view identifier,
                     std::int64_t id);
    void erase_device(std::string_view pk, std::string_view dn);

    // A transaction starts: what it creates is tracked from here.
    void begin_batch() { created_.clear(); }
    // It was rolled back: forgets the ids it created.
    void rollback();

    std::size_t size() const { return ids_.size(); }

private:
    // The key in scratch_: the parts joined by NUL, which none of them holds
    // (product keys, device names and identifiers are validated names).
    const std::string& key(std::string_view pk, std::string_view dn, std::string_view identifier);
    void add(std::int64_t id);

    std::size_t max_entries_;
    std::unordered_map<std::string, std::int64_t> ids_;
    std::vector<std::string> created_;
    std::string scratch_;  // reused, so that a hit allocates nothing
};

}  // namespace ts::store
