// Platform sinks (the rules engine) share the subscription index with the
// sessions: matched by the same lookup, kept apart from them, counted apart.
#include <gtest/gtest.h>

#include "broker/message_sink.hpp"
#include "broker/session.hpp"
#include "broker/subscription_index.hpp"

namespace ts::broker {
namespace {

struct CountingSink final : MessageSink {
    void on_message(const Message&, const ClientIdentity*, std::string_view) override {}
};

std::size_t sinks_matching(const SubscriptionIndex& idx, std::string_view topic) {
    std::vector<Match> out;
    idx.match(topic, out);
    std::size_t n = 0;
    for (const auto& m : out) {
        if (m.sink) {
            EXPECT_EQ(m.session, nullptr);
            ++n;
        }
    }
    return n;
}

TEST(SinkIndex, SinksMatchLikeSubscriptions) {
    SubscriptionIndex idx;
    auto exact = std::make_shared<CountingSink>();
    auto wild = std::make_shared<CountingSink>();
    EXPECT_TRUE(idx.add_sink("/pk/dn/thing/event/property/post", exact));
    EXPECT_TRUE(idx.add_sink("/pk/+/thing/event/+/post", wild));
    EXPECT_FALSE(idx.add_sink("/pk/+/thing/event/+/post", wild));  // once per filter
    EXPECT_EQ(idx.sink_count(), 2u);
    EXPECT_EQ(idx.size(), 0u);  // sessions' subscriptions only
    EXPECT_EQ(sinks_matching(idx, "/pk/dn/thing/event/property/post"), 2u);
    EXPECT_EQ(sinks_matching(idx, "/pk/other/thing/event/alarm/post"), 1u);
    EXPECT_EQ(sinks_matching(idx, "/pk/dn/user/data"), 0u);
}

TEST(SinkIndex, SessionAndSinkOnOneFilterAreIndependent) {
    SubscriptionIndex idx;
    auto s = std::make_shared<Session>("app");
    auto sink = std::make_shared<CountingSink>();
    Subscriber sub;
    sub.session = s;
    EXPECT_TRUE(idx.add("a/#", "", sub));
    EXPECT_TRUE(idx.add_sink("a/#", sink));
    std::vector<Match> out;
    idx.match("a/b", out);
    ASSERT_EQ(out.size(), 2u);

    // Removing the session's subscription leaves the sink, and back.
    EXPECT_TRUE(idx.remove("a/#", "", s.get()));
    EXPECT_EQ(sinks_matching(idx, "a/b"), 1u);
    EXPECT_TRUE(idx.add("a/#", "", sub));
    EXPECT_TRUE(idx.remove_sink("a/#", sink.get()));
    EXPECT_FALSE(idx.remove_sink("a/#", sink.get()));
    out.clear();
    idx.match("a/b", out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].session, s);
    EXPECT_EQ(idx.sink_count(), 0u);
}

TEST(SinkIndex, RemovingTheLastSinkPrunesTheFilter) {
    SubscriptionIndex idx;
    auto sink = std::make_shared<CountingSink>();
    idx.add_sink("x/+/y/#", sink);
    EXPECT_TRUE(idx.remove_sink("x/+/y/#", sink.get()));
    EXPECT_EQ(sinks_matching(idx, "x/1/y/z"), 0u);
    // The trie is empty again: a session can take the same filter afresh.
    auto s = std::make_shared<Session>("s");
    Subscriber sub;
    sub.session = s;
    EXPECT_TRUE(idx.add("x/+/y/#", "", sub));
}

}  // namespace
}  // namespace ts::broker
