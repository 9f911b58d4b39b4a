#include "registry/registry_cache.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace ts::registry {
namespace {

Product product(const std::string& pk) {
    Product p;
    p.product_key = pk;
    p.name = "product " + pk;
    return p;
}

Device device(const std::string& pk, const std::string& dn, const std::string& secret = "s") {
    Device d;
    d.product_key = pk;
    d.device_name = dn;
    d.device_secret = secret;
    return d;
}

// Names both shorter and longer than a std::string's inline buffer: the
// index views the map's keys, which must stay where they are either way.
std::string name_of(int i) {
    return i % 2 ? "d" + std::to_string(i) : "a-device-with-a-long-name-" + std::to_string(i);
}

std::vector<std::string> listed_names(const RegistryCache& cache, const std::string& pk) {
    std::vector<Device> out;
    bool more = false;
    EXPECT_TRUE(cache.list_devices(pk, {}, "", 100'000, out, more));
    std::vector<std::string> names;
    for (const auto& d : out) names.push_back(d.device_name);
    return names;
}

TEST(RegistryCache, FindsEachDeviceOfEachProduct) {
    RegistryCache cache;
    cache.put_product(product("pkA"));
    cache.put_product(product("pkB"));
    for (int i = 0; i < 3000; ++i) {
        cache.put_device(device("pkA", name_of(i), "a" + std::to_string(i)));
        if (i % 3 == 0) cache.put_device(device("pkB", name_of(i), "b" + std::to_string(i)));
    }
    for (int i = 0; i < 3000; ++i) {
        auto a = cache.find_device("pkA", name_of(i));
        ASSERT_NE(a, nullptr) << name_of(i);
        EXPECT_EQ(a->device_secret, "a" + std::to_string(i));
        auto b = cache.find_device("pkB", name_of(i));
        if (i % 3 == 0) {
            ASSERT_NE(b, nullptr) << name_of(i);
            EXPECT_EQ(b->device_secret, "b" + std::to_string(i));
        } else {
            EXPECT_EQ(b, nullptr) << name_of(i);
        }
    }
    EXPECT_EQ(cache.find_device("pkA", "d3001"), nullptr);
    EXPECT_EQ(cache.find_device("pkC", "d1"), nullptr);
    EXPECT_EQ(cache.device_count("pkA"), 3000u);
    EXPECT_EQ(cache.device_count("pkB"), 1000u);
}

TEST(RegistryCache, ReplacedDeviceIsFoundOnceWithItsNewContent) {
    RegistryCache cache;
    cache.put_product(product("pk"));
    cache.put_device(device("pk", "d1", "old"));
    cache.put_device(device("pk", "d1", "new"));
    EXPECT_EQ(cache.find_device("pk", "d1")->device_secret, "new");
    EXPECT_EQ(cache.device_count("pk"), 1u);
    EXPECT_EQ(listed_names(cache, "pk"), std::vector<std::string>{"d1"});
}

TEST(RegistryCache, ErasedDeviceIsGoneUntilAddedAgain) {
    RegistryCache cache;
    cache.put_product(product("pk"));
    for (int i = 0; i < 100; ++i) cache.put_device(device("pk", name_of(i)));
    for (int i = 0; i < 100; i += 2) cache.erase_device("pk", name_of(i));
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(cache.find_device("pk", name_of(i)) != nullptr, i % 2 == 1) << name_of(i);
    EXPECT_EQ(cache.update_device("pk", name_of(0), [](Device& d) { d.online = true; }), nullptr);

    cache.put_device(device("pk", name_of(0), "again"));
    EXPECT_EQ(cache.find_device("pk", name_of(0))->device_secret, "again");
    EXPECT_EQ(cache.device_count("pk"), 51u);
    const auto names = listed_names(cache, "pk");
    ASSERT_EQ(names.size(), 51u);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST(RegistryCache, UpdateSwapsInANewSnapshot) {
    RegistryCache cache;
    cache.put_product(product("pk"));
    cache.put_device(device("pk", "d1"));
    const auto before = cache.find_device("pk", "d1");
    const auto after = cache.update_device("pk", "d1", [](Device& d) {
        d.online = true;
        d.ip_address = "10.0.0.7";
    });
    ASSERT_NE(after, nullptr);
    EXPECT_FALSE(before->online);  // a reader's snapshot never changes
    EXPECT_TRUE(after->online);
    EXPECT_EQ(cache.find_device("pk", "d1"), after);
    EXPECT_EQ(cache.find_device("pk", "d1")->ip_address, "10.0.0.7");
    EXPECT_EQ(cache.update_device("pk", "nobody", [](Device&) {}), nullptr);
    EXPECT_EQ(cache.update_device("other", "d1", [](Device&) {}), nullptr);
}

TEST(RegistryCache, ErasedProductTakesItsDevices) {
    RegistryCache cache;
    cache.put_product(product("pk"));
    cache.put_device(device("pk", "d1"));
    cache.erase_product("pk");
    EXPECT_EQ(cache.find_device("pk", "d1"), nullptr);
    cache.put_product(product("pk"));
    EXPECT_EQ(cache.find_device("pk", "d1"), nullptr);
    cache.put_device(device("pk", "d1", "fresh"));
    EXPECT_EQ(cache.find_device("pk", "d1")->device_secret, "fresh");
}

TEST(RegistryCache, DevicesOfAnUnknownProductAreNotKept) {
    RegistryCache cache;
    cache.put_device(device("pk", "d1"));
    cache.put_product(product("pk"));
    EXPECT_EQ(cache.find_device("pk", "d1"), nullptr);
    EXPECT_EQ(cache.device_count("pk"), 0u);
}

}  // namespace
}  // namespace ts::registry
