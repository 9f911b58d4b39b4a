// The p2p scenario's plan: topics per pair, the outstanding-request window
// (ping-pong unless told otherwise, open loop when paced), option checks,
// and the loss arithmetic.
#include <gtest/gtest.h>

#include <vector>

#include "app/bench/p2p_plan.hpp"
#include "app/bench/payload.hpp"
#include "app/bench/publish_template.hpp"

namespace ts::app::bench {
namespace {

TEST(BenchP2PPlan, TopicsArePerPair) {
    EXPECT_EQ(p2p_request_topic(0), "bench/p2p/0/req");
    EXPECT_EQ(p2p_reply_topic(42), "bench/p2p/42/resp");
}

TEST(BenchP2PPlan, FlatOutIsPingPongByDefault) {
    BenchOptions o;
    o.pairs = 5;
    const auto plan = make_p2p_plan(o);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->pairs, 5u);
    EXPECT_EQ(plan->window, 1u);
}

TEST(BenchP2PPlan, FlatOutHonoursAGivenInflight) {
    BenchOptions o;
    o.inflight = 8;
    o.inflight_given = true;
    const auto plan = make_p2p_plan(o);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->window, 8u);
}

TEST(BenchP2PPlan, PacedIsOpenLoop) {
    BenchOptions o;
    o.rate = 10;
    o.inflight_given = true;
    const auto plan = make_p2p_plan(o);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->window, 0u);
}

TEST(BenchP2PPlan, RejectsWhatCannotRun) {
    BenchOptions o;
    o.pairs = 0;
    EXPECT_FALSE(make_p2p_plan(o));
    o = BenchOptions{};
    o.payload_size = kStampSize - 1;
    ASSERT_FALSE(make_p2p_plan(o));
    EXPECT_NE(make_p2p_plan(o).error().find("--payload-size"), std::string::npos);
    o = BenchOptions{};
    o.qos = 2;
    EXPECT_FALSE(make_p2p_plan(o));
}

TEST(BenchP2PPlan, LossNeverGoesNegative) {
    EXPECT_EQ(p2p_lost(10, 7), 3u);
    EXPECT_EQ(p2p_lost(10, 10), 0u);
    EXPECT_EQ(p2p_lost(10, 12), 0u);  // QoS 1 duplicates
}

TEST(BenchPublishTemplate, PatchesIdAndPayloadInPlace) {
    const PublishTemplate t("bench/p2p/3/req", mqtt::QoS::AtLeastOnce, kStampSize);
    std::vector<std::uint8_t> out{0xAA};  // something already queued
    const auto at = t.append(out, 0x1234);
    ASSERT_EQ(out.size() - at, kStampSize);
    write_stamp(out.data() + at, Stamp{99, 3, 7});
    EXPECT_EQ(out[0], 0xAA);
    EXPECT_EQ(out[1], 0x32);  // PUBLISH, QoS 1
    EXPECT_EQ(out[at - 2], 0x12);
    EXPECT_EQ(out[at - 1], 0x34);
    const auto s = read_stamp(std::span<const std::uint8_t>(out).subspan(at));
    ASSERT_TRUE(s);
    EXPECT_EQ(s->publisher, 3u);
    EXPECT_EQ(s->seq, 7u);
}

TEST(BenchPublishTemplate, PacketIdsSkipZero) {
    std::uint16_t last = 0xFFFF;
    EXPECT_EQ(next_packet_id(last), 1u);
    EXPECT_EQ(next_packet_id(last), 2u);
}

}  // namespace
}  // namespace ts::app::bench
