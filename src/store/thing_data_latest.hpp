#pragma once
// The latest value of each property series in a batch. A batch holds many
// values of the same properties; updating the series row for each one would
// cost a b-tree write per value, while only the newest per series can change
// it. Collecting them first makes that one update per series and batch.
#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "store/thing_data.hpp"

namespace ts::store {

class BatchLatest {
public:
    // Keeps `value` when it is at least as new as the one kept for `series`:
    // the order of a batch is the order of arrival, so of equal times the
    // later wins, as it would updating one by one. The value is referenced,
    // not copied: it must outlive clear().
    void offer(std::int64_t series, const PropertyValue& value);

    // f(series, value) for each series, in no particular order.
    template <class F>
    void for_each(F&& f) const {
        for (const auto& [series, value] : latest_) f(series, *value);
    }

    std::size_t size() const { return latest_.size(); }
    // Forgets every value (the buckets stay allocated for the next batch).
    void clear() { latest_.clear(); }

private:
    std::unordered_map<std::int64_t, const PropertyValue*> latest_;
};

}  // namespace ts::store
