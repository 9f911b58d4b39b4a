#include "store/thing_data_latest.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ts::store {
namespace {

using Kept = std::map<std::int64_t, std::string>;

Kept kept(const BatchLatest& latest) {
    Kept out;
    latest.for_each([&](std::int64_t series, const PropertyValue& v) {
        out[series] = v.value_json + "@" + std::to_string(v.time_ms);
    });
    return out;
}

TEST(BatchLatest, KeepsTheNewestAndOfEqualTimesTheLast) {
    const std::vector<PropertyValue> t = {
        {"t", "1", 100}, {"t", "2", 300}, {"t", "3", 200},  // older after newer: ignored
    };
    const std::vector<PropertyValue> h = {
        {"h", "4", 50}, {"h", "5", 50},  // equal: the later wins
    };
    BatchLatest latest;
    for (const auto& v : t) latest.offer(1, v);
    for (const auto& v : h) latest.offer(2, v);
    EXPECT_EQ(kept(latest), (Kept{{1, "2@300"}, {2, "5@50"}}));
    latest.clear();
    EXPECT_EQ(latest.size(), 0u);
}

}  // namespace
}  // namespace ts::store
