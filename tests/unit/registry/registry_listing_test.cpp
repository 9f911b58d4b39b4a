#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <set>

#include "registry_fixture.hpp"

namespace ts::registry {
namespace {

using test::RegistryTest;

// Walks every page, checking that names arrive in strictly increasing order.
std::vector<Device> all_pages(Registry& reg, const std::string& pk, const DeviceFilter& filter,
                              std::size_t page_size, int* pages = nullptr) {
    std::vector<Device> out;
    std::string token;
    int n = 0;
    do {
        auto page = reg.list_devices(pk, filter, page_size, token);
        EXPECT_TRUE(page) << page.error().message;
        if (!page) break;
        ++n;
        EXPECT_LE(page->items.size(),
                  page_size == 0 ? 50u : std::min<std::size_t>(page_size, 1000));
        for (auto& d : page->items) {
            if (!out.empty()) {
                EXPECT_LT(out.back().device_name, d.device_name);
            }
            out.push_back(std::move(d));
        }
        token = page->next_page_token;
    } while (!token.empty());
    if (pages != nullptr) *pages = n;
    return out;
}

class ListingTest : public RegistryTest {
protected:
    void SetUp() override {
        RegistryTest::SetUp();
        pk_ = make_product().product_key;
        other_pk_ = make_product("Other").product_key;
        std::vector<std::string> names;
        for (int i = 0; i < 2500; ++i)
            names.push_back(fmt::format("{}-{:04}", i % 2 == 0 ? "even" : "odd", i));
        ASSERT_TRUE(reg_->register_devices(pk_, names));
        ASSERT_TRUE(reg_->register_devices(other_pk_, {"even-9999"}));
        // 0..99 came online once, 0..9 are online now, every 5th is disabled
        // (the disabled ones report "disabled" whatever their connection).
        for (int i = 0; i < 100; ++i) reg_->mark_online(pk_, names[i], "10.0.0.1", 1000 + i);
        for (int i = 10; i < 100; ++i) reg_->mark_offline(pk_, names[i], 5000);
        for (int i = 0; i < 2500; i += 5) ASSERT_TRUE(reg_->set_enabled(pk_, names[i], false));
        for (int i = 0; i < 2500; i += 100)
            ASSERT_TRUE(reg_->set_tags(pk_, names[i], {{"batch", i < 1000 ? "a" : "b"}}));
    }

    std::string pk_;
    std::string other_pk_;
};

TEST_F(ListingTest, AllPagesInNameOrderWithoutGapsOrRepeats) {
    int pages = 0;
    auto all = all_pages(*reg_, pk_, {}, 0, &pages);
    EXPECT_EQ(all.size(), 2500u);
    EXPECT_EQ(pages, 50);
    std::set<std::string> names;
    for (const auto& d : all) names.insert(d.device_name);
    EXPECT_EQ(names.size(), 2500u);
    EXPECT_EQ(all.front().device_name, "even-0000");
    EXPECT_EQ(all.back().device_name, "odd-2499");
    EXPECT_EQ(all_pages(*reg_, pk_, {}, 1000, &pages).size(), 2500u);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(all_pages(*reg_, pk_, {}, 5000, &pages).size(), 2500u);  // clamped to 1000
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(all_pages(*reg_, pk_, {}, 2500, &pages).size(), 2500u);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(all_pages(*reg_, pk_, {}, 7).size(), 2500u);
}

TEST_F(ListingTest, LastFullPageHasNoToken) {
    auto page = reg_->list_devices(other_pk_, {}, 1, "");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->items.size(), 1u);
    EXPECT_TRUE(page->next_page_token.empty());
}

TEST_F(ListingTest, Filters) {
    DeviceFilter prefix;
    prefix.name_prefix = "odd-";
    auto odd = all_pages(*reg_, pk_, prefix, 100);
    EXPECT_EQ(odd.size(), 1250u);
    for (const auto& d : odd) EXPECT_TRUE(d.device_name.starts_with("odd-"));
    prefix.name_prefix = "even-00";
    EXPECT_EQ(all_pages(*reg_, pk_, prefix, 7).size(), 50u);
    prefix.name_prefix = "zzz";
    EXPECT_TRUE(all_pages(*reg_, pk_, prefix, 7).empty());

    DeviceFilter online;
    online.status = DeviceStatus::Online;
    auto on = all_pages(*reg_, pk_, online, 3);
    EXPECT_EQ(on.size(), 8u);  // 0..9 minus the disabled 0 and 5
    DeviceFilter offline;
    offline.status = DeviceStatus::Offline;
    EXPECT_EQ(all_pages(*reg_, pk_, offline, 0).size(), 72u);  // 10..99 minus 18 disabled
    DeviceFilter disabled;
    disabled.status = DeviceStatus::Disabled;
    EXPECT_EQ(all_pages(*reg_, pk_, disabled, 0).size(), 500u);
    DeviceFilter inactive;
    inactive.status = DeviceStatus::Inactive;
    EXPECT_EQ(all_pages(*reg_, pk_, inactive, 0).size(), 2500u - 500u - 8u - 72u);

    DeviceFilter tag_any;
    tag_any.tag = std::make_pair(std::string("batch"), std::string());
    EXPECT_EQ(all_pages(*reg_, pk_, tag_any, 4).size(), 25u);
    DeviceFilter tag_b;
    tag_b.tag = std::make_pair(std::string("batch"), std::string("b"));
    EXPECT_EQ(all_pages(*reg_, pk_, tag_b, 4).size(), 15u);

    DeviceFilter combined;
    combined.name_prefix = "even-";
    combined.status = DeviceStatus::Disabled;
    combined.tag = std::make_pair(std::string("batch"), std::string("a"));
    EXPECT_EQ(all_pages(*reg_, pk_, combined, 2).size(), 10u);  // 0, 100, ..., 900
}

TEST_F(ListingTest, StableWhileDevicesComeAndGo) {
    auto first = reg_->list_devices(pk_, {}, 100, "");
    ASSERT_TRUE(first);
    // Deleting what was already returned and adding before the token does
    // not shift the next page.
    ASSERT_TRUE(reg_->delete_device(pk_, first->items[5].device_name));
    ASSERT_TRUE(reg_->register_device(pk_, "aaaa-new"));
    auto second = reg_->list_devices(pk_, {}, 100, first->next_page_token);
    ASSERT_TRUE(second);
    EXPECT_GT(second->items.front().device_name, first->items.back().device_name);
    EXPECT_EQ(all_pages(*reg_, pk_, {}, 0).size(), 2500u);
}

TEST_F(ListingTest, BadTokenIsInvalidArgument) {
    auto r = reg_->list_devices(pk_, {}, 10, "not hex!");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::InvalidArgument);
    EXPECT_NE(r.error().message.find("pageToken"), std::string::npos);
}

TEST_F(ListingTest, Products) {
    for (int i = 0; i < 4; ++i) make_product(fmt::format("p{}", i));
    std::set<std::string> keys;
    std::string token;
    int pages = 0;
    do {
        auto page = reg_->list_products(2, token);
        ASSERT_TRUE(page);
        ++pages;
        for (const auto& p : page->items) keys.insert(p.product_key);
        token = page->next_page_token;
    } while (!token.empty());
    EXPECT_EQ(keys.size(), 6u);
    EXPECT_EQ(pages, 3);
}

TEST_F(ListingTest, FastWithAHundredThousandDevices) {
    for (int b = 0; b < 10; ++b) ASSERT_TRUE(reg_->register_devices(pk_, 9'750));
    const auto start = std::chrono::steady_clock::now();
    DeviceFilter none;
    none.status = DeviceStatus::Online;
    none.name_prefix = "odd-";
    for (int i = 0; i < 20; ++i) {
        auto page = reg_->list_devices(pk_, none, 50, "");
        ASSERT_TRUE(page);
    }
    auto page = reg_->list_devices(pk_, {}, 1000, "");
    ASSERT_TRUE(page);
    EXPECT_EQ(page->items.size(), 1000u);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    // Generous for a debug, sanitised build on a shared machine.
    EXPECT_LT(ms, 5000);
    reopen();
    EXPECT_EQ(all_pages(*reg_, pk_, {}, 1000).size(), 100'000u);
}

}  // namespace
}  // namespace ts::registry
