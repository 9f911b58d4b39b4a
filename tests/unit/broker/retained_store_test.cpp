#include "broker/retained_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace ts::broker {
namespace {

MessagePtr msg(std::string topic, std::string payload, Millis expiry = 0) {
    auto m = std::make_shared<Message>();
    m->topic = std::move(topic);
    m->payload = SharedBuffer::copy_of(payload);
    m->retain = true;
    m->expiry_at = expiry;
    return m;
}

TEST(RetainedStore, SetReplaceClear) {
    RetainedStore r;
    EXPECT_EQ(r.set(msg("a/b", "1")), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("a/b", "2")), RetainOutcome::Stored);
    auto found = r.match("a/b", 0);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]->payload.view(), "2");
    EXPECT_EQ(r.set(msg("a/b", "")), RetainOutcome::Cleared);
    EXPECT_TRUE(r.match("a/b", 0).empty());
    EXPECT_EQ(r.set(msg("a/b", "")), RetainOutcome::Unchanged);
    EXPECT_EQ(r.bytes(), 0u);
}

TEST(RetainedStore, WildcardsAndExpiry) {
    RetainedStore r;
    r.set(msg("a/b", "1"));
    r.set(msg("a/c", "2", 100));
    r.set(msg("$SYS/x", "3"));
    EXPECT_EQ(r.match("a/+", 50).size(), 2u);
    EXPECT_EQ(r.match("a/+", 100).size(), 1u);  // expired at 100
    EXPECT_EQ(r.match("#", 0).size(), 2u);      // not $SYS
    EXPECT_EQ(r.match("$SYS/#", 0).size(), 1u);
}

TEST(RetainedStore, RefusesPayloadsOverTheSizeLimit) {
    RetainedStore r(RetainedLimits{.max_payload = 4});
    EXPECT_EQ(r.set(msg("t", "1234")), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("t", "12345")), RetainOutcome::PayloadTooLarge);
    EXPECT_EQ(r.match("t", 0)[0]->payload.view(), "1234");  // the old one stays
}

TEST(RetainedStore, EachOwnerHasItsShareAndReplacingIsChargedForTheDifference) {
    RetainedStore r(RetainedLimits{.max_per_owner = 2, .max_bytes_per_owner = 20});
    EXPECT_EQ(r.set(msg("a/1", "x"), "alice"), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("a/2", "x"), "alice"), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("a/3", "x"), "alice"), RetainOutcome::OwnerFull);
    EXPECT_EQ(r.check("a/3", 1, "alice"), RetainOutcome::OwnerFull);
    EXPECT_EQ(r.set(msg("a/1", "y"), "alice"), RetainOutcome::Stored);  // her own topic
    EXPECT_EQ(r.set(msg("b/1", "x"), "bob"), RetainOutcome::Stored);    // another share
    // Bytes: a/2 holds 4 of her 20, so a/1 ("a/1" and its payload) may
    // grow to 16.
    EXPECT_EQ(r.set(msg("a/1", std::string(13, 'z')), "alice"), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("a/1", std::string(14, 'z')), "alice"), RetainOutcome::OwnerFull);
    // Clearing gives the share back; so does another client taking the topic.
    EXPECT_EQ(r.set(msg("a/2", ""), "alice"), RetainOutcome::Cleared);
    EXPECT_EQ(r.set(msg("a/3", "x"), "alice"), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("a/3", "x"), "bob"), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("a/4", "x"), "alice"), RetainOutcome::Stored);
    // No owner (the platform, wills): the totals only.
    for (int i = 0; i < 10; ++i)
        EXPECT_EQ(r.set(msg("p/" + std::to_string(i), "x")), RetainOutcome::Stored);
}

TEST(RetainedStore, TotalsBoundEveryone) {
    RetainedStore r(RetainedLimits{.max_messages = 3, .max_bytes = 100});
    EXPECT_EQ(r.set(msg("t/1", "x"), "a"), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("t/2", "x"), "b"), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("t/3", "x")), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("t/4", "x"), "c"), RetainOutcome::StoreFull);
    EXPECT_EQ(r.set(msg("t/3", "y"), "c"), RetainOutcome::Stored);  // replaces: no new entry
    EXPECT_EQ(r.set(msg("t/1", std::string(98, 'x')), "a"), RetainOutcome::StoreFull);
    EXPECT_EQ(r.size(), 3u);
    EXPECT_EQ(r.bytes(), 12u);
}

TEST(RetainedStore, EraseIfRemovesByTopicOrOwnerAndFreesTheShare) {
    RetainedStore r(RetainedLimits{.max_per_owner = 1});
    r.set(msg("/pk/dev1/user/a", "1"), "device:pk/dev1");
    r.set(msg("/pk/dev1/user/b", "2"), "app");
    r.set(msg("/pk/dev2/user/a", "3"), "device:pk/dev2");
    auto gone = r.erase_if([](const std::string& topic, const std::string& owner) {
        return owner == "device:pk/dev1" || topic.starts_with("/pk/dev1/");
    });
    std::sort(gone.begin(), gone.end());
    EXPECT_EQ(gone, (std::vector<std::string>{"/pk/dev1/user/a", "/pk/dev1/user/b"}));
    EXPECT_EQ(r.size(), 1u);
    EXPECT_EQ(r.set(msg("/pk/dev1/user/c", "4"), "device:pk/dev1"), RetainOutcome::Stored);
    EXPECT_EQ(r.set(msg("x", "5"), "app"), RetainOutcome::Stored);
}

}  // namespace
}  // namespace ts::broker
