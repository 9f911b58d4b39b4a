#include "store/thing_data_latest.hpp"

namespace ts::store {

std::size_t BatchLatest::KeyHash::operator()(const Key& k) const {
    // The boost::hash_combine mix: plain XOR would map (a, b) and (b, a),
    // or two equal parts, to the same value.
    std::size_t h = std::hash<std::string_view>{}(k.product_key);
    for (std::string_view part : {k.device_name, k.identifier}) {
        h ^= std::hash<std::string_view>{}(part) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    }
    return h;
}

void BatchLatest::offer(const std::string& pk, const std::string& dn, const PropertyValue& value) {
    auto [it, inserted] = latest_.try_emplace(Key{pk, dn, value.identifier}, &value);
    if (!inserted && value.time_ms >= it->second->time_ms) it->second = &value;
}

}  // namespace ts::store
