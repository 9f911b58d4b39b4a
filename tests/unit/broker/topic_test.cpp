#include "broker/topic.hpp"

#include <gtest/gtest.h>

namespace ts::broker {
namespace {

TEST(TopicMatches, ExactAndSingleLevel) {
    EXPECT_TRUE(topic_matches("a/b", "a/b"));
    EXPECT_FALSE(topic_matches("a/b", "a/c"));
    EXPECT_TRUE(topic_matches("a/+", "a/b"));
    EXPECT_FALSE(topic_matches("a/+", "a/b/c"));
    EXPECT_TRUE(topic_matches("+/+", "/x"));
    EXPECT_TRUE(topic_matches("a/+/c", "a//c"));
    EXPECT_FALSE(topic_matches("a/+", "a"));
}

TEST(TopicMatches, MultiLevel) {
    EXPECT_TRUE(topic_matches("#", "a/b/c"));
    EXPECT_TRUE(topic_matches("a/#", "a"));
    EXPECT_TRUE(topic_matches("a/#", "a/b/c"));
    EXPECT_FALSE(topic_matches("a/#", "b/a"));
    EXPECT_TRUE(topic_matches("+/#", "a"));
}

TEST(TopicMatches, DollarTopicsNotMatchedByLeadingWildcards) {
    EXPECT_FALSE(topic_matches("#", "$SYS/x"));
    EXPECT_FALSE(topic_matches("+/x", "$SYS/x"));
    EXPECT_TRUE(topic_matches("$SYS/#", "$SYS/x"));
    EXPECT_TRUE(topic_matches("$SYS/+", "$SYS/x"));
}

TEST(ParseShared, Forms) {
    auto s = parse_shared("$share/g/a/b");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->group, "g");
    EXPECT_EQ(s->filter, "a/b");
    EXPECT_FALSE(parse_shared("a/b"));
    auto bad = parse_shared("$share/g");
    ASSERT_TRUE(bad);
    EXPECT_TRUE(bad->group.empty());
    EXPECT_TRUE(parse_shared("$share//a")->group.empty());
    EXPECT_TRUE(parse_shared("$share/g+/a")->group.empty());
}

TEST(CountLevels, Counts) {
    EXPECT_EQ(count_levels("a"), 1u);
    EXPECT_EQ(count_levels("a/b/c"), 3u);
    EXPECT_EQ(count_levels("/"), 2u);
}

}  // namespace
}  // namespace ts::broker
