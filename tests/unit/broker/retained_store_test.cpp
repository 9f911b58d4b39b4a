#include "broker/retained_store.hpp"

#include <gtest/gtest.h>

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
    EXPECT_TRUE(r.set(msg("a/b", "1")));
    EXPECT_TRUE(r.set(msg("a/b", "2")));
    auto found = r.match("a/b", 0);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]->payload.view(), "2");
    EXPECT_TRUE(r.set(msg("a/b", "")));
    EXPECT_TRUE(r.match("a/b", 0).empty());
    EXPECT_FALSE(r.set(msg("a/b", "")));
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

}  // namespace
}  // namespace ts::broker
