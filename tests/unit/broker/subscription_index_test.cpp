#include "broker/subscription_index.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "broker/session.hpp"
#include "broker/topic.hpp"

namespace ts::broker {
namespace {

std::vector<std::string> ids(const SubscriptionIndex& idx, std::string_view topic) {
    std::vector<Match> out;
    idx.match(topic, out);
    std::vector<std::string> r;
    for (auto& m : out) r.push_back(m.session->client_id);
    std::sort(r.begin(), r.end());
    return r;
}

Subscriber sub(const SessionPtr& s, int qos = 0) {
    Subscriber x;
    x.session = s;
    x.options.max_qos = static_cast<mqtt::QoS>(qos);
    return x;
}

TEST(SubscriptionIndex, ExactAndWildcardFilters) {
    SubscriptionIndex idx;
    auto a = std::make_shared<Session>("a"), b = std::make_shared<Session>("b"),
         c = std::make_shared<Session>("c");
    EXPECT_TRUE(idx.add("x/y", "", sub(a)));
    EXPECT_TRUE(idx.add("x/+", "", sub(b)));
    EXPECT_TRUE(idx.add("#", "", sub(c)));
    EXPECT_FALSE(idx.add("x/y", "", sub(a, 1)));  // replaces
    EXPECT_EQ(idx.size(), 3u);
    EXPECT_EQ(ids(idx, "x/y"), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(ids(idx, "x/z"), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(ids(idx, "x"), (std::vector<std::string>{"c"}));
    EXPECT_EQ(ids(idx, "$SYS/x"), (std::vector<std::string>{}));
}

TEST(SubscriptionIndex, HashMatchesParentLevel) {
    SubscriptionIndex idx;
    auto a = std::make_shared<Session>("a");
    idx.add("sport/tennis/#", "", sub(a));
    EXPECT_EQ(ids(idx, "sport/tennis"), (std::vector<std::string>{"a"}));
    EXPECT_EQ(ids(idx, "sport/tennis/player1/score"), (std::vector<std::string>{"a"}));
    EXPECT_TRUE(ids(idx, "sport").empty());
}

TEST(SubscriptionIndex, RemovePrunes) {
    SubscriptionIndex idx;
    auto a = std::make_shared<Session>("a");
    idx.add("a/+/c", "", sub(a));
    idx.add("a/b", "", sub(a));
    EXPECT_TRUE(idx.remove("a/+/c", "", a.get()));
    EXPECT_FALSE(idx.remove("a/+/c", "", a.get()));
    EXPECT_TRUE(idx.remove("a/b", "", a.get()));
    EXPECT_EQ(idx.size(), 0u);
    EXPECT_TRUE(ids(idx, "a/x/c").empty());
}

TEST(SubscriptionIndex, SharedGroupPicksOneMemberRoundRobin) {
    SubscriptionIndex idx;
    auto a = std::make_shared<Session>("a"), b = std::make_shared<Session>("b");
    a->set_online(true);
    b->set_online(true);
    idx.add("t/#", "g", sub(a));
    idx.add("t/#", "g", sub(b));
    std::map<std::string, int> counts;
    for (int i = 0; i < 100; ++i) {
        auto r = ids(idx, "t/1");
        ASSERT_EQ(r.size(), 1u);
        counts[r[0]]++;
    }
    EXPECT_EQ(counts["a"], 50);
    EXPECT_EQ(counts["b"], 50);
    // An offline member is skipped while another is online.
    b->set_online(false);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(ids(idx, "t/1"), (std::vector<std::string>{"a"}));
    auto m = idx.pick_member(ShareKey{"g", "t/#"}, a.get());
    ASSERT_TRUE(m.session);
    EXPECT_EQ(m.session->client_id, "b");
}

TEST(SubscriptionIndex, SharedAndPlainBothMatch) {
    SubscriptionIndex idx;
    auto a = std::make_shared<Session>("a");
    idx.add("t", "g", sub(a));
    idx.add("t", "", sub(a));
    std::vector<Match> out;
    idx.match("t", out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(
        std::count_if(out.begin(), out.end(), [](const Match& m) { return m.share != nullptr; }),
        1);
}

TEST(SubscriptionIndex, MatchCountsTheFiltersThatMatched) {
    // The broker skips looking for a session matched twice when one filter
    // matched: that is only right if one filter never yields a session twice.
    SubscriptionIndex idx;
    std::vector<SessionPtr> many;
    for (int i = 0; i < 50; ++i) {
        many.push_back(std::make_shared<Session>("s" + std::to_string(i)));
        idx.add("fan/out", "", sub(many.back()));
        idx.add("fan/out", "", sub(many.back(), 1));  // again: replaces
    }
    std::vector<Match> out;
    EXPECT_EQ(idx.match("fan/out", out), 1u);
    ASSERT_EQ(out.size(), 50u);
    std::vector<const Session*> seen;
    for (const auto& m : out) seen.push_back(m.session.get());
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());

    idx.add("fan/+", "", sub(many[0]));
    idx.add("#", "", sub(many[1]));
    out.clear();
    EXPECT_EQ(idx.match("fan/out", out), 3u);
    EXPECT_EQ(out.size(), 52u);
    out.clear();
    EXPECT_EQ(idx.match("other", out), 1u);  // "#" only
    out.clear();
    EXPECT_EQ(idx.match("$SYS/x", out), 0u);
    EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace ts::broker
