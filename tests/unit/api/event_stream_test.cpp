// EventStream: SSE framing, the byte bound with its overflow event, waking
// the session once per empty-to-pending change, and cancel running the
// producers' unsubscribe hook exactly once.
#include "api/event_stream.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ts::api {
namespace {

TEST(EventStream, FramesEventsAsServerSentEvents) {
    EventStream s;
    s.push("status", R"({"status":"online"})");
    s.push("event", "line one\nline two\r\nthree");
    EXPECT_EQ(s.take().bytes,
              "event: status\ndata: {\"status\":\"online\"}\n\n"
              "event: event\ndata: line one\ndata: line two\ndata: three\n\n");
    EXPECT_EQ(s.take().bytes, "");
}

TEST(EventStream, WakesOnlyWhenDataArrivesAfterAnEmptyTake) {
    EventStream s;
    int wakes = 0;
    s.set_waker([&] { ++wakes; });
    s.push("a", "1");
    s.push("a", "2");  // still pending: the session was already woken
    EXPECT_EQ(wakes, 1);
    EXPECT_FALSE(s.take().bytes.empty());
    s.push("a", "3");  // taken something: the session writes, then takes again
    EXPECT_EQ(wakes, 1);
    EXPECT_FALSE(s.take().bytes.empty());
    EXPECT_EQ(s.take().bytes, "");
    s.push("a", "4");
    EXPECT_EQ(wakes, 2);
}

TEST(EventStream, DropsBeyondTheByteLimitAndSaysSo) {
    EventStream s(200);
    std::string payload(60, 'x');
    s.push("e", payload);
    s.push("e", payload);
    s.push("e", payload);  // over 200 bytes pending: dropped
    s.push("e", payload);
    EXPECT_EQ(s.dropped(), 2u);
    std::string first = s.take().bytes;
    EXPECT_EQ(first.find("overflow"), std::string::npos);
    // With nothing new, the next take still reports the drops.
    EXPECT_EQ(s.take().bytes, "event: overflow\ndata: {\"dropped\":2}\n\n");
    s.push("e", "after");
    EXPECT_EQ(s.take().bytes, "event: e\ndata: after\n\n");
}

TEST(EventStream, OverflowPrecedesTheNextEventThatFits) {
    EventStream s(150);
    s.push("e", std::string(70, 'x'));
    s.push("e", std::string(70, 'y'));  // dropped
    s.take().bytes;
    s.push("e", "z");
    EXPECT_EQ(s.take().bytes, "event: overflow\ndata: {\"dropped\":1}\n\nevent: e\ndata: z\n\n");
}

TEST(EventStream, CancelRunsTheHookOnceAndIgnoresLaterPushes) {
    EventStream s;
    int hooks = 0;
    s.on_cancel([&] { ++hooks; });
    s.push("e", "1");
    s.cancel();
    s.cancel();
    EXPECT_EQ(hooks, 1);
    s.push("e", "2");
    EXPECT_EQ(s.take().bytes, "");
    // A hook given after the cancel runs at once (the client left first).
    s.on_cancel([&] { ++hooks; });
    EXPECT_EQ(hooks, 2);
}

TEST(EventStream, CloseEndsAfterPendingEvents) {
    EventStream s;
    s.push("e", "last");
    s.close();
    EXPECT_TRUE(s.closed());
    auto taken = s.take();
    EXPECT_EQ(taken.bytes, "event: e\ndata: last\n\n");
    EXPECT_TRUE(taken.closed);  // in the same take: nothing can slip in between
    s.push("e", "ignored");
    EXPECT_EQ(s.take().bytes, "");
}

TEST(EventStream, DestructionUnsubscribes) {
    int hooks = 0;
    {
        EventStream s;
        s.on_cancel([&] { ++hooks; });
    }
    EXPECT_EQ(hooks, 1);
}

}  // namespace
}  // namespace ts::api
