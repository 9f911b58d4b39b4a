#include "core/log_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ts {
namespace {

TEST(LogLimiter, FirstEventOfAnIntervalIsWrittenTheRestCounted) {
    ManualClock clock;
    LogLimiter limiter(clock, {10'000, 100});
    auto first = limiter.admit("10.0.0.1");
    EXPECT_TRUE(first.write);
    EXPECT_EQ(first.suppressed, 0u);
    for (int i = 0; i < 99; ++i) {
        clock.advance(50);
        EXPECT_FALSE(limiter.admit("10.0.0.1").write) << i;
    }
    // Another key has its own interval.
    EXPECT_TRUE(limiter.admit("10.0.0.2").write);
    // The interval is over: the next event is written with the count.
    clock.advance(10'000);
    auto next = limiter.admit("10.0.0.1");
    EXPECT_TRUE(next.write);
    EXPECT_EQ(next.suppressed, 99u);
    EXPECT_FALSE(limiter.admit("10.0.0.1").write);
}

TEST(LogLimiter, SweepReportsWhatWasNotWrittenAndForgetsEndedIntervals) {
    ManualClock clock;
    LogLimiter limiter(clock, {10'000, 100});
    limiter.admit("a");
    limiter.admit("a");
    limiter.admit("a");
    limiter.admit("b");  // written, nothing suppressed
    EXPECT_TRUE(limiter.sweep().empty()) << "nothing before an interval has passed";
    clock.advance(10'000);
    auto out = limiter.sweep();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, "a");
    EXPECT_EQ(out[0].suppressed, 2u);
    EXPECT_EQ(limiter.keys(), 0u);
    EXPECT_TRUE(limiter.sweep().empty()) << "at most one sweep per interval";
    EXPECT_TRUE(limiter.admit("a").write);
}

TEST(LogLimiter, ASprayOfDistinctKeysSharesOneKeyOnceTheTableIsFull) {
    ManualClock clock;
    LogLimiter limiter(clock, {10'000, 100});
    std::size_t written = 0;
    std::size_t others = 0;
    for (int i = 0; i < 200'000; ++i) {
        auto v = limiter.admit("addr-" + std::to_string(i));
        written += v.write;
        others += v.others;
    }
    EXPECT_EQ(written, 101u) << "100 keys, then one line for all the others";
    EXPECT_EQ(others, 200'000u - 100u);
    EXPECT_LE(limiter.keys(), 101u);
    clock.advance(10'000);
    auto out = limiter.sweep();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, LogLimiter::kOthers);
    EXPECT_EQ(out[0].suppressed, 200'000u - 101u);
    EXPECT_EQ(limiter.keys(), 0u);
}

TEST(ClipForLog, LongTextIsCutOnACharacterBoundaryAndControlsReplaced) {
    EXPECT_EQ(clip_for_log("short"), "short");
    EXPECT_EQ(clip_for_log(std::string(64, 'x')), std::string(64, 'x'));
    EXPECT_EQ(clip_for_log(std::string(65, 'x')), std::string(64, 'x') + "\u2026");
    // "é" is two bytes: a cut between them backs off to before it.
    EXPECT_EQ(clip_for_log("abc\u00e9", 4), "abc\u2026");
    EXPECT_EQ(clip_for_log("a\nforged line\x1b", 64), "a?forged line?");
}

}  // namespace
}  // namespace ts
