// read_fixed_header: framing, NeedMore at every truncation, limits.
#include "mqtt_test_util.hpp"

namespace ts::mqtt::test {
namespace {

TEST(FixedHeader, CompletePingreq) {
    const Bytes b = hex("c000");
    auto r = read_fixed_header(b, 1024);
    ASSERT_EQ(r.status, FrameStatus::Complete);
    EXPECT_EQ(r.header.type(), PacketType::Pingreq);
    EXPECT_EQ(r.header.remaining_length, 0u);
    EXPECT_EQ(r.header.header_length, 2);
    EXPECT_EQ(r.header.total_length(), 2u);
}

TEST(FixedHeader, NeedMoreAtEveryTruncationPoint) {
    Publish p;
    p.topic = "a/b";
    p.payload = buf(std::string(300, 'x'));  // remaining length needs 2 bytes
    const Bytes b = enc(p, V5);
    for (std::size_t n = 0; n < b.size(); ++n) {
        auto r = read_fixed_header(std::span(b.data(), n), 1 << 20);
        EXPECT_EQ(r.status, FrameStatus::NeedMore) << "at " << n;
    }
    auto r = read_fixed_header(b, 1 << 20);
    ASSERT_EQ(r.status, FrameStatus::Complete);
    EXPECT_EQ(r.header.header_length, 3);
    EXPECT_EQ(r.header.total_length(), b.size());
}

TEST(FixedHeader, ExtraBytesAfterPacketStillComplete) {
    const Bytes b = hex("c000 d000");
    auto r = read_fixed_header(b, 1024);
    ASSERT_EQ(r.status, FrameStatus::Complete);
    EXPECT_EQ(r.header.total_length(), 2u);
}

TEST(FixedHeader, MaximumFourByteLength) {
    const Bytes b = hex("30 ff ff ff 7f");
    auto r = read_fixed_header(b, 0xFFFFFFFF);
    ASSERT_EQ(r.status, FrameStatus::NeedMore);
    EXPECT_EQ(r.header.remaining_length, 268435455u);
    EXPECT_EQ(r.header.header_length, 5);
}

TEST(FixedHeader, FiveByteLengthIsMalformed) {
    auto r = read_fixed_header(hex("30 80 80 80 80 01"), 0xFFFFFFFF);
    ASSERT_EQ(r.status, FrameStatus::Error);
    EXPECT_EQ(r.error.reason, ReasonCode::MalformedPacket);
    // Known as soon as the fourth length byte has its continuation bit.
    r = read_fixed_header(hex("30 80 80 80 80"), 0xFFFFFFFF);
    EXPECT_EQ(r.status, FrameStatus::Error);
}

TEST(FixedHeader, NonMinimalLengthAccepted) {
    auto r = read_fixed_header(hex("c0 80 00"), 1024);
    ASSERT_EQ(r.status, FrameStatus::Complete);
    EXPECT_EQ(r.header.remaining_length, 0u);
    EXPECT_EQ(r.header.header_length, 3);
    EXPECT_TRUE(decode(hex("c0 80 00"), V311).has_value());
}

TEST(FixedHeader, TooLargeReportedBeforeBodyArrives) {
    auto r = read_fixed_header(hex("30 e8 07"), 1000);  // 1000 + 3 bytes
    ASSERT_EQ(r.status, FrameStatus::Error);
    EXPECT_EQ(r.error.reason, ReasonCode::PacketTooLarge);
    r = read_fixed_header(hex("30 e5 07"), 1000);  // 997 + 3 = 1000: fits
    EXPECT_EQ(r.status, FrameStatus::NeedMore);
}

TEST(FixedHeader, ZeroMaxMeansNoLimit) {
    auto r = read_fixed_header(hex("30 ff ff ff 7f"), 0);
    EXPECT_EQ(r.status, FrameStatus::NeedMore);
}

TEST(FixedHeader, PacketTypeZeroIsError) {
    auto r = read_fixed_header(hex("00 00"), 1024);
    ASSERT_EQ(r.status, FrameStatus::Error);
    EXPECT_EQ(r.error.reason, ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("00 00"), V5), ReasonCode::MalformedPacket);
}

TEST(FixedHeader, EmptyInputNeedsMore) {
    EXPECT_EQ(read_fixed_header({}, 10).status, FrameStatus::NeedMore);
}

TEST(Decode, LengthMismatchIsMalformed) {
    EXPECT_EQ(err(hex("c0 00 00"), V311), ReasonCode::MalformedPacket);  // trailing
    EXPECT_EQ(err(hex("40 02 00"), V311), ReasonCode::MalformedPacket);  // truncated
    EXPECT_EQ(err(hex("40"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err({}, V311), ReasonCode::MalformedPacket);
}

TEST(Decode, ReservedFlagsMalformed) {
    // Every type except PUBLISH with a wrong flag nibble.
    const std::pair<int, int> ok[] = {{0x1, 0}, {0x2, 0}, {0x4, 0}, {0x5, 0}, {0x6, 2},
                                      {0x7, 0}, {0x8, 2}, {0x9, 0}, {0xA, 2}, {0xB, 0},
                                      {0xC, 0}, {0xD, 0}, {0xE, 0}, {0xF, 0}};
    for (auto [type, flags] : ok) {
        for (int f = 0; f < 16; ++f) {
            if (f == flags) continue;
            EXPECT_EQ(err(frame(type << 4 | f, hex("0001 00")), V5), ReasonCode::MalformedPacket)
                << "type " << type << " flags " << f;
        }
    }
    EXPECT_EQ(err(hex("c1 00"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("62 02 00 01"), V311), ReasonCode::Success);
    EXPECT_EQ(err(hex("60 02 00 01"), V311), ReasonCode::MalformedPacket);
}

TEST(Decode, PingWithBodyIsMalformed) {
    EXPECT_EQ(err(hex("c0 01 00"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("d0 01 00"), V5), ReasonCode::MalformedPacket);
}

}  // namespace
}  // namespace ts::mqtt::test
