#include "store/thing_data_latest.hpp"

namespace ts::store {

void BatchLatest::offer(std::int64_t series, const PropertyValue& value) {
    auto [it, inserted] = latest_.try_emplace(series, &value);
    if (!inserted && value.time_ms >= it->second->time_ms) it->second = &value;
}

}  // namespace ts::store
