// PUBLISH and PUBACK-family normative rules.
#include "mqtt_test_util.hpp"

namespace ts::mqtt::test {
namespace {

Bytes publish(int flags, std::string_view topic, int packet_id, const Bytes* props,
              std::string_view payload = "p") {
    B b;
    b.str(topic);
    if (packet_id >= 0) b.u16(packet_id);
    if (props) b.props(*props);
    return frame(0x30 | flags, b.raw(payload).b);
}

TEST(PublishRules, Qos3Malformed) {
    EXPECT_EQ(err(publish(0x06, "t", 1, nullptr), V311), ReasonCode::MalformedPacket);
    const Bytes none;
    EXPECT_EQ(err(publish(0x06, "t", 1, &none), V5), ReasonCode::MalformedPacket);
}

TEST(PublishRules, DupWithQos0) {
    EXPECT_EQ(err(publish(0x08, "t", -1, nullptr), V311), ReasonCode::MalformedPacket);
    const Bytes none;
    EXPECT_EQ(err(publish(0x08, "t", -1, &none), V5), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(publish(0x0A, "t", 1, &none), V5), ReasonCode::Success);
}

TEST(PublishRules, WildcardsInTopic) {
    const Bytes none;
    EXPECT_EQ(err(publish(0, "a/+", -1, nullptr), V311), ReasonCode::TopicNameInvalid);
    EXPECT_EQ(err(publish(0, "a/#", -1, &none), V5), ReasonCode::TopicNameInvalid);
    EXPECT_EQ(err(publish(0, "#", -1, &none), V5), ReasonCode::TopicNameInvalid);
    EXPECT_EQ(err(publish(0, "a+b", -1, &none), V5), ReasonCode::TopicNameInvalid);
}

TEST(PublishRules, InvalidUtf8Topic) {
    const Bytes none;
    EXPECT_EQ(err(publish(0, "a\xed\xa0\x80", -1, &none), V5), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(publish(0, std::string_view("a\0", 2), -1, nullptr), V311),
              ReasonCode::MalformedPacket);
}

TEST(PublishRules, EmptyTopic) {
    const Bytes none;
    const Bytes alias = hex("230005");
    EXPECT_EQ(err(publish(0, "", -1, nullptr), V311), ReasonCode::TopicNameInvalid);
    EXPECT_EQ(err(publish(0, "", -1, &none), V5), ReasonCode::ProtocolError);
    auto p = dec_as<Publish>(publish(0, "", -1, &alias), V5);
    EXPECT_EQ(p.topic, "");
    EXPECT_EQ(p.properties.topic_alias, 5);
}

TEST(PublishRules, PacketIdZeroWithQos) {
    const Bytes none;
    EXPECT_EQ(err(publish(0x02, "t", 0, nullptr), V311), ReasonCode::ProtocolError);
    EXPECT_EQ(err(publish(0x04, "t", 0, &none), V5), ReasonCode::ProtocolError);
    // QoS 0 has no packet identifier at all: the two bytes are payload.
    auto p = dec_as<Publish>(publish(0, "t", 0, nullptr), V311);
    EXPECT_EQ(p.packet_id, 0);
    EXPECT_EQ(p.payload.view(), std::string_view("\0\0p", 3));
}

TEST(PublishRules, TopicAliasZero) {
    const Bytes alias0 = hex("230000");
    EXPECT_EQ(err(publish(0, "t", -1, &alias0), V5), ReasonCode::TopicAliasInvalid);
}

TEST(PublishRules, PayloadFormatIndicator) {
    const Bytes utf8 = hex("0101");
    EXPECT_EQ(err(publish(0, "t", -1, &utf8, "\xc3\x28"), V5), ReasonCode::PayloadFormatInvalid);
    EXPECT_EQ(err(publish(0, "t", -1, &utf8, "caf\xc3\xa9"), V5), ReasonCode::Success);
    EXPECT_EQ(err(publish(0, "t", -1, &utf8, ""), V5), ReasonCode::Success);
    const Bytes bin = hex("0100");
    EXPECT_EQ(err(publish(0, "t", -1, &bin, "\xc3\x28"), V5), ReasonCode::Success);
    const Bytes bad = hex("0102");
    EXPECT_EQ(err(publish(0, "t", -1, &bad), V5), ReasonCode::ProtocolError);
}

TEST(PublishRules, PropertiesNotAllowedInPublish) {
    for (const char* h : {"1100000001", "210001", "1f000161", "1700", "2401"}) {
        const Bytes props = hex(h);
        EXPECT_EQ(err(publish(0, "t", -1, &props), V5), ReasonCode::ProtocolError) << h;
    }
}

TEST(PublishRules, RepeatedSubscriptionIdentifiersAndUserProperties) {
    const Bytes props = hex("0b01 0b7f 0b8001 2600016100016226000161000163");
    auto p = dec_as<Publish>(publish(0, "t", -1, &props), V5);
    EXPECT_EQ(p.properties.subscription_identifiers, (std::vector<std::uint32_t>{1, 127, 128}));
    ASSERT_EQ(p.properties.user_properties.size(), 2u);
    EXPECT_EQ(p.properties.user_properties[0].second, "b");
    EXPECT_EQ(p.properties.user_properties[1].second, "c");
}

TEST(PublishRules, DuplicateProperty) {
    const Bytes props = hex("0200000001 0200000002");
    EXPECT_EQ(err(publish(0, "t", -1, &props), V5), ReasonCode::ProtocolError);
    const Bytes alias = hex("230001 230002");
    EXPECT_EQ(err(publish(0, "t", -1, &alias), V5), ReasonCode::ProtocolError);
}

TEST(PublishRules, PropertyBlockErrors) {
    // Unknown property id.
    Bytes props = hex("0500");
    EXPECT_EQ(err(publish(0, "t", -1, &props), V5), ReasonCode::MalformedPacket);
    // Property length past the end of the packet.
    EXPECT_EQ(err(frame(0x30, B{}.str("t").u8(10).u8(1).b), V5), ReasonCode::MalformedPacket);
    // Property value runs past the property block.
    props = hex("02000000");
    EXPECT_EQ(err(publish(0, "t", -1, &props), V5), ReasonCode::MalformedPacket);
    // Subscription identifier 0 / overlong varint.
    props = hex("0b00");
    EXPECT_EQ(err(publish(0, "t", -1, &props), V5), ReasonCode::ProtocolError);
    props = hex("0bffffffff01");
    EXPECT_EQ(err(publish(0, "t", -1, &props), V5), ReasonCode::MalformedPacket);
    // Property length as a 5-byte varint.
    EXPECT_EQ(err(frame(0x30, B{}.str("t").bytes(hex("8080808000")).b), V5),
              ReasonCode::MalformedPacket);
    // Response topic with a wildcard; content type with bad UTF-8.
    props = hex("080001 23");
    EXPECT_EQ(err(publish(0, "t", -1, &props), V5), ReasonCode::ProtocolError);
    props = hex("030001 ff");
    EXPECT_EQ(err(publish(0, "t", -1, &props), V5), ReasonCode::MalformedPacket);
    // User property with a bad value string.
    props = hex("26 000161 0001ff");
    EXPECT_EQ(err(publish(0, "t", -1, &props), V5), ReasonCode::MalformedPacket);
}

TEST(PublishRules, TruncatedTopicOrPacketId) {
    EXPECT_EQ(err(frame(0x30, hex("0005 6162")), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(frame(0x32, hex("0001 61 00")), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(frame(0x32, hex("0001 61 0001")), V5), ReasonCode::MalformedPacket);
}

TEST(PublishRules, PayloadSharedNotCopiedPerAccess) {
    auto p = dec_as<Publish>(publish(0, "t", -1, nullptr, "payload"), V311);
    SharedBuffer copy = p.payload;
    EXPECT_EQ(copy.data(), p.payload.data());
    EXPECT_EQ(copy.view(), "payload");
}

TEST(PubResponseRules, LengthsAndReasons) {
    EXPECT_EQ(err(hex("400100"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("4003000100"), V311), ReasonCode::MalformedPacket);  // 3.1.1: exactly 2
    EXPECT_EQ(err(hex("40020000"), V311), ReasonCode::ProtocolError);      // packet id 0
    EXPECT_EQ(err(hex("4003000101"), V5), ReasonCode::ProtocolError);      // 0x01 not for PUBACK
    EXPECT_EQ(err(hex("7003000110"), V5), ReasonCode::ProtocolError);      // 0x10 not for PUBCOMP
    EXPECT_EQ(err(hex("7003000192"), V5), ReasonCode::Success);
    EXPECT_EQ(err(hex("40050001000201"), V5), ReasonCode::MalformedPacket);  // truncated props
    EXPECT_EQ(err(hex("400600010003"
                      "1f00"),
                  V5),
              ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("4006000100 02 1700"), V5), ReasonCode::ProtocolError);  // not allowed
    auto r = dec_as<PubResponse>(hex("4009000187 05 1f00026e6f"), V5);
    EXPECT_EQ(r.reason, ReasonCode::NotAuthorized);
    EXPECT_EQ(r.properties.reason_string, "no");
}

}  // namespace
}  // namespace ts::mqtt::test
