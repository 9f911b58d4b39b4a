// The load generator's arithmetic: histogram buckets and percentiles,
// per-publisher loss accounting, the payload stamp and /proc parsing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "app/bench/pacing.hpp"
#include "app/bench/payload.hpp"
#include "app/bench/proc_sampler.hpp"
#include "app/bench/stats.hpp"

namespace ts::app::bench {
namespace {

TEST(BenchHistogram, EmptyReportsZero) {
    LatencyHistogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(50), 0u);
    EXPECT_EQ(h.percentile(99.9), 0u);
    EXPECT_EQ(h.min(), 0u);
    EXPECT_EQ(h.max(), 0u);
}

TEST(BenchHistogram, SmallValuesAreExact) {
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 10; ++v) h.record(v);
    EXPECT_EQ(h.percentile(50), 5u);
    EXPECT_EQ(h.percentile(100), 10u);
    EXPECT_EQ(h.percentile(0), 1u);
    EXPECT_EQ(h.min(), 1u);
    EXPECT_DOUBLE_EQ(h.mean(), 5.5);
}

TEST(BenchHistogram, BucketsAreContiguousAndCoverTheirValues) {
    for (std::uint64_t v : {0ull, 63ull, 64ull, 65ull, 127ull, 128ull, 1000ull, 123456789ull,
                            (1ull << 40) + 12345, ~0ull}) {
        const auto b = LatencyHistogram::bucket_of(v);
        ASSERT_LT(b, LatencyHistogram::kBuckets) << v;
        EXPECT_GE(LatencyHistogram::bucket_upper(b), v) << v;
        if (b > 0) {
            EXPECT_LT(LatencyHistogram::bucket_upper(b - 1), v) << v;
        }
    }
}

TEST(BenchHistogram, PercentilesWithinBucketPrecision) {
    // 1..100000 ns uniformly: the p-th percentile is p*1000 ns.
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 100000; ++v) h.record(v);
    for (double p : {50.0, 90.0, 99.0, 99.9}) {
        const double truth = p * 1000.0;
        const auto got = static_cast<double>(h.percentile(p));
        EXPECT_GE(got, truth) << p;                   // never below: upper bounds
        EXPECT_LE(got, truth * (1 + 1.0 / 64)) << p;  // at most one sub-bucket above
    }
    EXPECT_EQ(h.percentile(100), 100000u);
    EXPECT_EQ(h.max(), 100000u);
}

TEST(BenchHistogram, TailIsSeen) {
    LatencyHistogram h;
    for (int i = 0; i < 999; ++i) h.record(1000);
    h.record(5'000'000);
    EXPECT_LE(h.percentile(99), 1000u * 65 / 64);
    EXPECT_EQ(h.percentile(99.95), 5'000'000u);
}

TEST(BenchHistogram, MergeAddsCounts) {
    LatencyHistogram a, b;
    for (int i = 0; i < 100; ++i) a.record(10);
    for (int i = 0; i < 100; ++i) b.record(30);
    a.merge(b);
    EXPECT_EQ(a.count(), 200u);
    EXPECT_EQ(a.min(), 10u);
    EXPECT_EQ(a.max(), 30u);
    EXPECT_EQ(a.percentile(50), 10u);
    EXPECT_EQ(a.percentile(51), 30u);
}

TEST(BenchSequence, LossIsSentMinusReceivedPerPublisher) {
    SequenceTracker t(3);
    for (std::uint64_t s = 0; s < 10; ++s) t.record(0, s);
    for (std::uint64_t s = 0; s < 7; ++s) t.record(1, s);
    t.record(7, 0);  // unknown publisher
    EXPECT_EQ(t.received(0), 10u);
    EXPECT_EQ(t.received(1), 7u);
    EXPECT_EQ(t.unknown(), 1u);
    // Publisher 0 over-delivered (a duplicate would do that): no negative loss.
    EXPECT_EQ(t.loss({9, 10, 2}, 1), 0u + 3u + 2u);
}

TEST(BenchSequence, CopiesAndMerge) {
    SequenceTracker a(1), b(1);
    for (std::uint64_t s = 0; s < 5; ++s) a.record(0, s);
    for (std::uint64_t s = 0; s < 4; ++s) b.record(0, s);
    a.merge(b);
    EXPECT_EQ(a.received(0), 9u);
    EXPECT_EQ(a.loss({5}, 2), 1u);  // two subscribers should have seen 10
    EXPECT_EQ(a.out_of_order(), 0u);
}

TEST(BenchSequence, OutOfOrder) {
    SequenceTracker t(1);
    t.record(0, 0);
    t.record(0, 2);
    t.record(0, 1);
    EXPECT_EQ(t.out_of_order(), 1u);
}

TEST(BenchPayload, StampRoundTrip) {
    std::vector<std::uint8_t> buf(64, 0xAA);
    write_stamp(buf.data(), Stamp{123456789012345ull, 42, 7});
    auto s = read_stamp(buf);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->sent_ns, 123456789012345ull);
    EXPECT_EQ(s->publisher, 42u);
    EXPECT_EQ(s->seq, 7u);
    EXPECT_FALSE(read_stamp(std::span<const std::uint8_t>(buf.data(), kStampSize - 1)));
}

TEST(BenchProc, ParsesStatAndStatus) {
    // Field 2 holds a space and a ')' to make sure fields count from the last ')'.
    const char* stat =
        "1234 (a b) c) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 100 1000 200";
    auto ticks = parse_stat_cpu_ticks(stat);
    ASSERT_TRUE(ticks);
    EXPECT_EQ(*ticks, 300u);
    EXPECT_FALSE(parse_stat_cpu_ticks("1234 (x) S 1 2"));
    EXPECT_EQ(*parse_status_rss_kb("Name:\tx\nVmHWM:\t  999 kB\nVmRSS:\t    5120 kB\n"), 5120u);
    EXPECT_FALSE(parse_status_rss_kb("Name:\tx\n"));
}

TEST(BenchProc, SamplesItself) {
    auto s = sample_process(::getpid());
    ASSERT_TRUE(s);
    EXPECT_GT(s->rss_kb, 0u);
    ASSERT_FALSE(s->threads.empty());
    EXPECT_TRUE(std::binary_search(s->threads.begin(), s->threads.end(), ::getpid()));
    EXPECT_GT(s->thread_cpu_ns, 0u);
}

TEST(BenchProc, ThreadRunTimeCountsWhenTheSameThreadsRan) {
    EXPECT_EQ(*parse_schedstat_run_ns("201597509 24426140 572\n"), 201597509u);
    EXPECT_FALSE(parse_schedstat_run_ns("x 1 2"));

    ProcSample a, b;
    a.cpu_us = 10'000;
    b.cpu_us = 20'000;
    a.threads = b.threads = {7, 9};
    a.thread_cpu_ns = 1'000'000;
    b.thread_cpu_ns = 13'345'678;
    EXPECT_DOUBLE_EQ(cpu_us_between(a, b), 12'345.678);
    // A thread came or went: its time is not in both sums, the ticks are.
    b.threads = {7, 9, 11};
    EXPECT_DOUBLE_EQ(cpu_us_between(a, b), 10'000);
    a.threads = b.threads = {};
    EXPECT_DOUBLE_EQ(cpu_us_between(a, b), 10'000);
}

TEST(BenchProc, SeesItsOwnWork) {
    auto before = sample_process(::getpid());
    ASSERT_TRUE(before);
    volatile std::uint64_t x = 0;
    for (std::uint64_t i = 0; i < 50'000'000; ++i) x = x + i;
    auto after = sample_process(::getpid());
    ASSERT_TRUE(after);
    EXPECT_GT(cpu_us_between(*before, *after), 0.0);
}

// A thousand paced clients that connect at once must not all send in the
// same tick: their phases cover the period evenly.
TEST(BenchPacing, ClientsSpreadEvenlyOverThePeriod) {
    std::vector<int> bins(100, 0);
    for (int i = 0; i < 1000; ++i) {
        const double phase = next_pacing_phase();
        ASSERT_GE(phase, 0.0);
        ASSERT_LT(phase, 1.0);
        ++bins[static_cast<std::size_t>(phase * 100)];
    }
    for (int n : bins) {
        EXPECT_GE(n, 9);
        EXPECT_LE(n, 11);
    }
}

TEST(BenchPacing, DueFollowsTheRateFromThePhase) {
    // 20/s with phase 0.6: the first message at (1 - 0.6) / 20 = 20 ms.
    EXPECT_EQ(paced_due(0.0, 20, 0.6), 0u);
    EXPECT_EQ(paced_due(0.019, 20, 0.6), 0u);
    EXPECT_EQ(paced_due(0.021, 20, 0.6), 1u);
    EXPECT_EQ(paced_due(0.071, 20, 0.6), 2u);
    EXPECT_EQ(paced_due(10.0, 20, 0.6), 200u);
    EXPECT_EQ(paced_due(10.0, 20, 0.0), 200u);
    EXPECT_EQ(paced_due(-1.0, 20, 0.6), 0u);
}

}  // namespace
}  // namespace ts::app::bench
