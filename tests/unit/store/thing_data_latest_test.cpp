#include "store/thing_data_latest.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace ts::store {
namespace {

using Kept = std::map<std::tuple<std::string, std::string, std::string>, std::string>;

Kept kept(const BatchLatest& latest) {
    Kept out;
    latest.for_each([&](const BatchLatest::Key& k, const PropertyValue& v) {
        out[{std::string(k.product_key), std::string(k.device_name), std::string(k.identifier)}] =
            v.value_json + "@" + std::to_string(v.time_ms);
    });
    return out;
}

TEST(BatchLatest, KeepsTheNewestAndOfEqualTimesTheLast) {
    const std::string pk = "p";
    const std::string dn = "d";
    const std::vector<PropertyValue> values = {
        {"t", "1", 100}, {"t", "2", 300}, {"t", "3", 200},  // older after newer: ignored
        {"h", "4", 50},  {"h", "5", 50},                    // equal: the later wins
    };
    BatchLatest latest;
    for (const auto& v : values) latest.offer(pk, dn, v);
    EXPECT_EQ(kept(latest), (Kept{{{"p", "d", "t"}, "2@300"}, {{"p", "d", "h"}, "5@50"}}));
    latest.clear();
    EXPECT_EQ(latest.size(), 0u);
}

TEST(BatchLatest, EveryPartOfTheKeyCounts) {
    // The same strings in different places must stay different properties.
    const std::string a = "a";
    const std::string b = "b";
    const PropertyValue ida{"a", "1", 1};
    const PropertyValue idb{"b", "2", 1};
    BatchLatest latest;
    latest.offer(a, b, ida);
    latest.offer(b, a, ida);
    latest.offer(a, a, idb);
    latest.offer(b, b, ida);
    latest.offer(a, b, idb);
    EXPECT_EQ(latest.size(), 5u);
}

}  // namespace
}  // namespace ts::store
