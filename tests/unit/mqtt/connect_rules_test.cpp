// CONNECT / CONNACK normative rules: one test per rule, asserting the reason.
#include "mqtt_test_util.hpp"

namespace ts::mqtt::test {
namespace {

// CONNECT with the given protocol name, level, flags and payload bytes.
Bytes connect(std::string_view name, int level, int flags, const Bytes& rest) {
    B b;
    b.str(name).u8(level).u8(flags).u16(60);
    if (level == 5) b.u8(0);  // empty property block
    return frame(0x10, b.bytes(rest).b);
}

Bytes cid(std::string_view id = "c") {
    return B{}.str(id).b;
}

TEST(ConnectRules, ValidBaseline) {
    EXPECT_EQ(err(connect("MQTT", 4, 0x02, cid()), V311), ReasonCode::Success);
    EXPECT_EQ(err(connect("MQTT", 5, 0x02, cid()), V311), ReasonCode::Success);
    EXPECT_EQ(err(connect("MQIsdp", 3, 0x02, cid()), V311), ReasonCode::Success);
}

TEST(ConnectRules, UnknownProtocolNameIsMalformed) {
    EXPECT_EQ(err(connect("MQTX", 4, 0x02, cid()), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(connect("mqtt", 5, 0x02, cid()), V5), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(connect("", 4, 0x02, cid()), V311), ReasonCode::MalformedPacket);
}

TEST(ConnectRules, BadLevelIsUnsupportedProtocolVersion) {
    EXPECT_EQ(err(connect("MQTT", 3, 0x02, cid()), V311), ReasonCode::UnsupportedProtocolVersion);
    EXPECT_EQ(err(connect("MQTT", 6, 0x02, cid()), V311), ReasonCode::UnsupportedProtocolVersion);
    EXPECT_EQ(err(connect("MQIsdp", 4, 0x02, cid()), V311), ReasonCode::UnsupportedProtocolVersion);
    // Reported before the rest is looked at (the broker answers with CONNACK).
    EXPECT_EQ(err(frame(0x10, B{}.str("MQTT").u8(0x83).b), V311),
              ReasonCode::UnsupportedProtocolVersion);
}

TEST(ConnectRules, ReservedFlagMalformed) {
    EXPECT_EQ(err(connect("MQTT", 4, 0x03, cid()), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(connect("MQTT", 5, 0x01, cid()), V5), ReasonCode::MalformedPacket);
}

TEST(ConnectRules, WillQosOrRetainWithoutWillFlag) {
    EXPECT_EQ(err(connect("MQTT", 4, 0x08, cid()), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(connect("MQTT", 4, 0x10, cid()), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(connect("MQTT", 5, 0x20, cid()), V5), ReasonCode::MalformedPacket);
}

TEST(ConnectRules, WillQos3Malformed) {
    const Bytes will = B{}.str("c").str("w").str("x").b;
    EXPECT_EQ(err(connect("MQTT", 4, 0x04 | 0x18, will), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(connect("MQTT", 4, 0x04 | 0x10, will), V311), ReasonCode::Success);
}

TEST(ConnectRules, PasswordWithoutUsername) {
    const Bytes pw = B{}.str("c").str("secret").b;
    EXPECT_EQ(err(connect("MQTT", 4, 0x42, pw), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(connect("MQIsdp", 3, 0x42, pw), V311), ReasonCode::MalformedPacket);
    auto c = dec_as<Connect>(connect("MQTT", 5, 0x42, pw), V5);  // allowed in 5.0
    EXPECT_FALSE(c.username);
    EXPECT_EQ(c.password, "secret");
}

TEST(ConnectRules, ClientIdUtf8Validated) {
    EXPECT_EQ(err(connect("MQTT", 4, 0x02, B{}.str("a\xff").b), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(connect("MQTT", 4, 0x02, B{}.str(std::string_view("a\0b", 3)).b), V311),
              ReasonCode::MalformedPacket);
    EXPECT_EQ(err(connect("MQTT", 4, 0x02, B{}.str("").b), V311), ReasonCode::Success);
}

TEST(ConnectRules, UsernameUtf8Validated) {
    EXPECT_EQ(err(connect("MQTT", 4, 0x82, B{}.str("c").str("\xc0\x80").b), V311),
              ReasonCode::MalformedPacket);
}

TEST(ConnectRules, PasswordIsBinary) {
    auto c = dec_as<Connect>(
        connect("MQTT", 4, 0xC2, B{}.str("c").str("u").str(std::string_view("\xff\x00", 2)).b),
        V311);
    EXPECT_EQ(c.password, std::string("\xff\x00", 2));
}

TEST(ConnectRules, WillTopicMustBeATopicName) {
    EXPECT_EQ(err(connect("MQTT", 4, 0x06, B{}.str("c").str("a/#").str("x").b), V311),
              ReasonCode::TopicNameInvalid);
    EXPECT_EQ(err(connect("MQTT", 4, 0x06, B{}.str("c").str("").str("x").b), V311),
              ReasonCode::TopicNameInvalid);
}

TEST(ConnectRules, WillPropertiesOnlyWillOnesAllowed) {
    auto with_will_props = [](const Bytes& props, const Bytes& payload) {
        return frame(0x10, B{}.str("MQTT")
                               .u8(5)
                               .u8(0x06)
                               .u16(0)
                               .u8(0)
                               .str("c")
                               .props(props)
                               .str("w/t")
                               .bytes(payload)
                               .b);
    };
    const Bytes x = B{}.str("x").b;
    // payload format, message expiry, content type, response topic,
    // correlation data, will delay, user property
    auto w = dec_as<Connect>(with_will_props(hex("0101 0200000005 030001 61 0800017a 09000100"
                                                 " 180000000a 2600016b000176"),
                                             x),
                             V5);
    ASSERT_TRUE(w.will);
    EXPECT_EQ(w.will->properties.will_delay_interval, 10u);
    EXPECT_EQ(w.will->properties.message_expiry_interval, 5u);
    EXPECT_EQ(w.will->properties.content_type, "a");
    EXPECT_EQ(w.will->properties.response_topic, "z");
    EXPECT_EQ(w.will->properties.correlation_data, std::string(1, '\0'));
    // Not allowed in will properties: session expiry, topic alias, subscription id.
    EXPECT_EQ(err(with_will_props(hex("1100000001"), x), V5), ReasonCode::ProtocolError);
    EXPECT_EQ(err(with_will_props(hex("230001"), x), V5), ReasonCode::ProtocolError);
    EXPECT_EQ(err(with_will_props(hex("0b01"), x), V5), ReasonCode::ProtocolError);
    // Payload format indicator 1 with a non-UTF-8 will payload.
    EXPECT_EQ(err(with_will_props(hex("0101"), B{}.str("\xfe").b), V5),
              ReasonCode::PayloadFormatInvalid);
}

TEST(ConnectRules, ConnectPropertiesChecked) {
    auto with_props = [](const Bytes& props) {
        return frame(0x10, B{}.str("MQTT").u8(5).u8(0x02).u16(0).props(props).str("c").b);
    };
    EXPECT_EQ(err(with_props(hex("210000")), V5), ReasonCode::ProtocolError);      // recv max 0
    EXPECT_EQ(err(with_props(hex("2700000000")), V5), ReasonCode::ProtocolError);  // max size 0
    EXPECT_EQ(err(with_props(hex("1702")), V5), ReasonCode::ProtocolError);        // req problem 2
    EXPECT_EQ(err(with_props(hex("1902")), V5), ReasonCode::ProtocolError);        // req resp 2
    EXPECT_EQ(err(with_props(hex("1100000001 1100000002")), V5), ReasonCode::ProtocolError);
    EXPECT_EQ(err(with_props(hex("12000161")), V5), ReasonCode::ProtocolError);  // CONNACK-only
    EXPECT_EQ(err(with_props(hex("160001ff")), V5), ReasonCode::ProtocolError);  // data w/o method
    EXPECT_EQ(err(with_props(hex("150001 61 160001ff")), V5), ReasonCode::Success);
}

TEST(ConnectRules, Truncated) {
    const Bytes good =
        connect("MQTT", 5, 0xC6, B{}.str("c").u8(0).str("w").str("p").str("u").str("pw").b);
    ASSERT_EQ(err(good, V5), ReasonCode::Success);
    // Cut the body short (and fix the remaining length): always malformed.
    for (std::size_t n = 2; n < good.size(); ++n) {
        Bytes body(good.begin() + 2, good.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_EQ(err(frame(0x10, body), V5), ReasonCode::MalformedPacket) << n;
    }
    // Trailing byte after the password.
    Bytes body(good.begin() + 2, good.end());
    body.push_back(0);
    EXPECT_EQ(err(frame(0x10, body), V5), ReasonCode::MalformedPacket);
}

TEST(ConnackRules, V5ReasonAndProperties) {
    EXPECT_EQ(err(hex("2003000100"), V5), ReasonCode::ProtocolError);    // 0x01 not a CONNACK code
    EXPECT_EQ(err(hex("2003018700"), V5), ReasonCode::ProtocolError);    // session present + error
    EXPECT_EQ(err(hex("2003020000"), V5), ReasonCode::MalformedPacket);  // reserved flag
    EXPECT_EQ(err(hex("2005000002 2402"), V5), ReasonCode::ProtocolError);  // max QoS 2
    EXPECT_EQ(err(hex("2005000002 2502"), V5), ReasonCode::ProtocolError);  // retain avail 2
    EXPECT_EQ(err(hex("2005000002 1701"), V5), ReasonCode::ProtocolError);  // CONNECT-only
    EXPECT_EQ(err(hex("2005000002 2401"), V5), ReasonCode::Success);
    EXPECT_EQ(err(hex("20020000"), V5), ReasonCode::MalformedPacket);  // no property length
}

}  // namespace
}  // namespace ts::mqtt::test
