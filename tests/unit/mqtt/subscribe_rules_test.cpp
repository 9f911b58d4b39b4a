// SUBSCRIBE / SUBACK / UNSUBSCRIBE / UNSUBACK / DISCONNECT / AUTH rules.
#include "mqtt_test_util.hpp"

namespace ts::mqtt::test {
namespace {

Bytes subscribe(ProtocolVersion v, int options, std::string_view filter = "a/b",
                const Bytes& props = {}) {
    B b;
    b.u16(1);
    if (v == V5) b.props(props);
    return frame(0x82, b.str(filter).u8(options).b);
}

TEST(SubscribeRules, EmptyList) {
    EXPECT_EQ(err(frame(0x82, hex("0001")), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(frame(0x82, hex("0001 00")), V5), ReasonCode::ProtocolError);
    EXPECT_EQ(err(frame(0xA2, hex("0001")), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(frame(0xA2, hex("0001 00")), V5), ReasonCode::ProtocolError);
}

TEST(SubscribeRules, PacketIdZero) {
    EXPECT_EQ(err(frame(0x82, hex("0000 000161 00")), V311), ReasonCode::ProtocolError);
    EXPECT_EQ(err(frame(0xA2, hex("0000 000161")), V311), ReasonCode::ProtocolError);
}

TEST(SubscribeRules, Qos3Malformed) {
    EXPECT_EQ(err(subscribe(V311, 3), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(subscribe(V5, 3), V5), ReasonCode::MalformedPacket);
}

TEST(SubscribeRules, ReservedOptionBits311) {
    for (int bit = 2; bit < 8; ++bit)
        EXPECT_EQ(err(subscribe(V311, 1 << bit), V311), ReasonCode::MalformedPacket) << bit;
}

TEST(SubscribeRules, ReservedOptionBits5) {
    EXPECT_EQ(err(subscribe(V5, 0x40), V5), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(subscribe(V5, 0x80), V5), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(subscribe(V5, 0x2E), V5), ReasonCode::Success);
}

TEST(SubscribeRules, RetainHandling3) {
    EXPECT_EQ(err(subscribe(V5, 0x30), V5), ReasonCode::ProtocolError);
}

TEST(SubscribeRules, FilterWildcardPlacementLeftToBroker) {
    // Valid UTF-8 but invalid wildcard placement decodes; the broker answers
    // with a per-filter SUBACK code using is_valid_topic_filter.
    auto s = dec_as<Subscribe>(subscribe(V5, 1, "a/#/b"), V5);
    ASSERT_EQ(s.topics.size(), 1u);
    EXPECT_FALSE(is_valid_topic_filter(s.topics[0].filter));
    EXPECT_EQ(err(subscribe(V5, 1, ""), V5), ReasonCode::Success);
    // Ill-formed UTF-8 is a malformed packet.
    EXPECT_EQ(err(subscribe(V5, 1, "a\xff"), V5), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(frame(0xA2, B{}.u16(1).u8(0).str("\xc0\xaf").b), V5),
              ReasonCode::MalformedPacket);
}

TEST(SubscribeRules, SubscriptionIdentifier) {
    EXPECT_EQ(err(subscribe(V5, 0, "a", hex("0b00")), V5), ReasonCode::ProtocolError);
    EXPECT_EQ(err(subscribe(V5, 0, "a", hex("0b01 0b02")), V5), ReasonCode::ProtocolError);
    EXPECT_EQ(err(subscribe(V5, 0, "a", hex("0bffffff7f")), V5), ReasonCode::Success);
    EXPECT_EQ(err(subscribe(V5, 0, "a", hex("0200000001")), V5), ReasonCode::ProtocolError);
}

TEST(SubscribeRules, TruncatedOptions) {
    EXPECT_EQ(err(frame(0x82, hex("0001 000161")), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(frame(0x82, hex("0001 000161 01 0001")), V311), ReasonCode::MalformedPacket);
}

TEST(SubackRules, ReturnCodes) {
    EXPECT_EQ(err(hex("9003000103"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("9003000180"), V311), ReasonCode::Success);
    EXPECT_EQ(err(hex("9003000187"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("900400010087"), V5), ReasonCode::Success);
    EXPECT_EQ(err(hex("900400010010"), V5), ReasonCode::ProtocolError);
    EXPECT_EQ(err(hex("90020001"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("9003000100"), V5), ReasonCode::ProtocolError);  // properties, no codes
}

TEST(UnsubackRules, Versions) {
    EXPECT_EQ(err(hex("b0020001"), V311), ReasonCode::Success);
    EXPECT_EQ(err(hex("b003000100"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("b00400010011"), V5), ReasonCode::Success);
    EXPECT_EQ(err(hex("b00400010002"), V5), ReasonCode::ProtocolError);
    EXPECT_EQ(err(hex("b003000100"), V5), ReasonCode::ProtocolError);
}

TEST(DisconnectRules, Versions) {
    EXPECT_EQ(err(hex("e00100"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("e00101"), V5), ReasonCode::ProtocolError);  // 0x01 not a DISCONNECT code
    EXPECT_EQ(err(hex("e0079c 05 1c0002 6869"), V5), ReasonCode::Success);
    EXPECT_EQ(err(hex("e0038e 01 1c"), V5), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("e0048e 02 1100"), V5), ReasonCode::MalformedPacket);  // truncated value
    EXPECT_EQ(err(hex("e0058e 03 210001"), V5), ReasonCode::ProtocolError);  // not allowed
}

TEST(AuthRules, Versions) {
    EXPECT_EQ(err(hex("f000"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("f000"), V5), ReasonCode::Success);
    EXPECT_EQ(err(hex("f00118"), V5), ReasonCode::Success);
    EXPECT_EQ(err(hex("f00187"), V5), ReasonCode::ProtocolError);
    EXPECT_EQ(err(hex("f00418 02 1600"), V5), ReasonCode::MalformedPacket);
    auto a = dec_as<Auth>(hex("f00a19 08 150001 6d 160001 64"), V5);
    EXPECT_EQ(a.reason, ReasonCode::ReAuthenticate);
    EXPECT_EQ(a.properties.authentication_method, "m");
    EXPECT_EQ(a.properties.authentication_data, "d");
}

}  // namespace
}  // namespace ts::mqtt::test
