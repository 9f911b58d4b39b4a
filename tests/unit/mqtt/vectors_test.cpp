// Byte-exact vectors: packets captured from mosquitto_pub 2.0 and the
// specifications' examples; 3.1.1 encoding leaves 5.0-only fields out.
#include "mqtt_test_util.hpp"

namespace ts::mqtt::test {
namespace {

// mosquitto_pub -t test -m hi -i mosq-client -k 60
const Bytes kMosqConnect311 = hex("101700044d5154540402003c000b6d6f73712d636c69656e74");
// mosquitto_pub -V mqttv5 -t a/b -m hi -i cid -k 30 -u user -P pass --will-topic w/t
//   --will-payload bye --will-qos 1 -D connect session-expiry-interval 120
// (mosquitto adds Receive Maximum 20 itself)
const Bytes kMosqConnect5 =
    hex("102f00044d51545405ce001e0811000000782100140003636964000003772f7400036279650004757365720004"
        "70617373");
// mosquitto_pub -t a/b -m hello -q 1 -r -i x  (after CONNACK)
const Bytes kMosqPublish311 = hex("330c0003612f62000168656c6c6f");
// mosquitto_pub -V mqttv5 -t a/b -m hello -q 1 -D publish content-type text/plain
//   -D publish user-property k v -D publish payload-format-indicator 1
const Bytes kMosqPublish5 =
    hex("32230003612f6200011603000a746578742f706c61696e2600016b000176010168656c6c6f");

TEST(Vectors, MosquittoConnect311) {
    auto c = dec_as<Connect>(kMosqConnect311, V311);
    EXPECT_EQ(c.version, V311);
    EXPECT_TRUE(c.clean_start);
    EXPECT_EQ(c.keep_alive, 60);
    EXPECT_EQ(c.client_id, "mosq-client");
    EXPECT_FALSE(c.will);
    EXPECT_FALSE(c.username);
    EXPECT_FALSE(c.password);
    EXPECT_EQ(enc(c, V311), kMosqConnect311);
}

TEST(Vectors, MosquittoConnect5) {
    auto c = dec_as<Connect>(kMosqConnect5, V311);  // CONNECT carries its version
    EXPECT_EQ(c.version, V5);
    EXPECT_TRUE(c.clean_start);
    EXPECT_EQ(c.keep_alive, 30);
    EXPECT_EQ(c.properties.session_expiry_interval, 120u);
    EXPECT_EQ(c.properties.receive_maximum, 20);
    EXPECT_EQ(c.client_id, "cid");
    ASSERT_TRUE(c.will);
    EXPECT_EQ(c.will->topic, "w/t");
    EXPECT_EQ(c.will->payload.view(), "bye");
    EXPECT_EQ(c.will->qos, QoS::AtLeastOnce);
    EXPECT_FALSE(c.will->retain);
    EXPECT_EQ(c.username, "user");
    EXPECT_EQ(c.password, "pass");
    EXPECT_EQ(enc(c, V5), kMosqConnect5);
}

TEST(Vectors, MosquittoPublish311) {
    auto p = dec_as<Publish>(kMosqPublish311, V311);
    EXPECT_EQ(p.qos, QoS::AtLeastOnce);
    EXPECT_TRUE(p.retain);
    EXPECT_FALSE(p.dup);
    EXPECT_EQ(p.topic, "a/b");
    EXPECT_EQ(p.packet_id, 1);
    EXPECT_EQ(p.payload.view(), "hello");
    EXPECT_EQ(enc(p, V311), kMosqPublish311);
}

TEST(Vectors, MosquittoPublish5) {
    auto p = dec_as<Publish>(kMosqPublish5, V5);
    EXPECT_EQ(p.topic, "a/b");
    EXPECT_EQ(p.packet_id, 1);
    EXPECT_EQ(p.properties.content_type, "text/plain");
    EXPECT_EQ(p.properties.payload_format_indicator, 1);
    ASSERT_EQ(p.properties.user_properties.size(), 1u);
    EXPECT_EQ(p.properties.user_properties[0], (std::pair<std::string, std::string>{"k", "v"}));
    EXPECT_EQ(p.payload.view(), "hello");
    // We write properties in identifier order: same size, payload-format first.
    const Bytes ours = enc(p, V5);
    EXPECT_EQ(ours, hex("32230003612f62000116010103000a746578742f706c61696e2600016b000176"
                        "68656c6c6f"));
}

TEST(Vectors, Spec5ConnectVariableHeaderExample) {
    // MQTT 5.0 3.1.2.11 figure 3-6: "MQTT", level 5, flags 0xC2, keep alive 10,
    // properties length 5, session expiry interval 10.
    const Bytes b = frame(0x10, B{}.str("MQTT")
                                    .u8(5)
                                    .u8(0xC2)
                                    .u16(10)
                                    .bytes(hex("05 11 0000000a"))
                                    .str("id")
                                    .str("u")
                                    .str("p")
                                    .b);
    auto c = dec_as<Connect>(b, V5);
    EXPECT_EQ(c.keep_alive, 10);
    EXPECT_EQ(c.properties.session_expiry_interval, 10u);
    EXPECT_TRUE(c.clean_start);
    EXPECT_EQ(c.username, "u");
    EXPECT_EQ(c.password, "p");
    EXPECT_EQ(enc(c, V5), b);
}

TEST(Vectors, Mqtt31Connect) {
    const Bytes b = frame(0x10, B{}.str("MQIsdp").u8(3).u8(0x02).u16(60).str("c31").b);
    auto c = dec_as<Connect>(b, V311);
    EXPECT_EQ(c.version, V31);
    EXPECT_EQ(c.client_id, "c31");
    EXPECT_EQ(enc(c, V31), b);
}

TEST(Vectors, SmallPackets311) {
    Connack ca;
    ca.session_present = true;
    EXPECT_EQ(enc(ca, V311), hex("20020100"));
    EXPECT_EQ(enc(PubResponse{PacketType::Puback, 0x1234, ReasonCode::Success, {}}, V311),
              hex("40021234"));
    EXPECT_EQ(enc(PubResponse{PacketType::Pubrec, 1, ReasonCode::Success, {}}, V311),
              hex("50020001"));
    EXPECT_EQ(enc(PubResponse{PacketType::Pubrel, 1, ReasonCode::Success, {}}, V311),
              hex("62020001"));
    EXPECT_EQ(enc(PubResponse{PacketType::Pubcomp, 1, ReasonCode::Success, {}}, V311),
              hex("70020001"));
    EXPECT_EQ(enc(Pingreq{}, V311), hex("c000"));
    EXPECT_EQ(enc(Pingresp{}, V311), hex("d000"));
    EXPECT_EQ(enc(Disconnect{}, V311), hex("e000"));
    Subscribe s;
    s.packet_id = 1;
    s.topics.push_back({"a/b", {QoS::AtLeastOnce, false, false, RetainHandling::SendAtSubscribe}});
    EXPECT_EQ(enc(s, V311), hex("82080001 0003612f62 01"));
    Unsubscribe u;
    u.packet_id = 2;
    u.filters = {"a/b"};
    EXPECT_EQ(enc(u, V311), hex("a2070002 0003612f62"));
    EXPECT_EQ(enc(Unsuback{3, {}, {}}, V311), hex("b0020003"));
}

TEST(Vectors, V311EncodingDropsV5Fields) {
    Properties props;
    props.reason_string = "nope";
    props.user_properties = {{"a", "b"}};
    EXPECT_EQ(enc(PubResponse{PacketType::Puback, 7, ReasonCode::NotAuthorized, props}, V311),
              hex("40020007"));
    EXPECT_EQ(enc(Disconnect{ReasonCode::ServerShuttingDown, props}, V311), hex("e000"));
    EXPECT_EQ(enc(Unsuback{3, {ReasonCode::NotAuthorized}, props}, V311), hex("b0020003"));
    Suback sa{
        5,
        {ReasonCode::GrantedQoS1, ReasonCode::TopicFilterInvalid, ReasonCode::Success,
         ReasonCode::QuotaExceeded, ReasonCode::GrantedQoS2, ReasonCode::NoMatchingSubscribers},
        props};
    EXPECT_EQ(enc(sa, V311), hex("9008 0005 01 80 00 80 02 80"));
    Publish p;
    p.topic = "t";
    p.payload = buf("x");
    p.properties = props;
    p.properties.topic_alias = 3;
    EXPECT_EQ(enc(p, V311), hex("3004 000174 78"));
    Subscribe s;
    s.packet_id = 1;
    s.topics.push_back({"t", {QoS::ExactlyOnce, true, true, RetainHandling::DoNotSend}});
    s.properties.subscription_identifiers = {5};
    EXPECT_EQ(enc(s, V311), hex("82060001 000174 02"));
    // 3.1.1 has no AUTH: nothing is written.
    EXPECT_TRUE(enc(Auth{ReasonCode::ReAuthenticate, props}, V311).empty());
    EXPECT_EQ(encoded_size(Auth{}, V311), 0u);
}

TEST(Vectors, Connack311ReturnCodes) {
    const std::pair<ReasonCode, int> cases[] = {
        {ReasonCode::Success, 0},
        {ReasonCode::UnsupportedProtocolVersion, 1},
        {ReasonCode::ClientIdentifierNotValid, 2},
        {ReasonCode::ServerUnavailable, 3},
        {ReasonCode::ServerBusy, 3},
        {ReasonCode::BadUserNameOrPassword, 4},
        {ReasonCode::NotAuthorized, 5},
        {ReasonCode::Banned, 5},
        {ReasonCode::MalformedPacket, 3},
    };
    for (auto [rc, code] : cases) {
        Connack ca;
        ca.reason = rc;
        ca.properties.reason_string = "dropped";
        EXPECT_EQ(enc(ca, V311), (Bytes{0x20, 0x02, 0x00, static_cast<std::uint8_t>(code)}));
    }
    for (int code = 0; code <= 5; ++code) {
        auto ca = dec_as<Connack>(Bytes{0x20, 0x02, 0x00, static_cast<std::uint8_t>(code)}, V311);
        EXPECT_EQ(static_cast<int>(to_311_connack(ca.reason)), code);
    }
    EXPECT_EQ(err(hex("20020006"), V311), ReasonCode::MalformedPacket);
    EXPECT_EQ(err(hex("20020201"), V311), ReasonCode::MalformedPacket);  // reserved flag bit
    EXPECT_EQ(err(hex("20020105"), V311), ReasonCode::ProtocolError);    // session present + error
}

TEST(Vectors, V5ShortForms) {
    // Remaining length 2: Success, no properties.
    auto r = dec_as<PubResponse>(hex("40020001"), V5);
    EXPECT_EQ(r.reason, ReasonCode::Success);
    EXPECT_EQ(enc(r, V5), hex("40020001"));
    // Remaining length 3: reason code, no property length.
    r = dec_as<PubResponse>(hex("5003000110"), V5);
    EXPECT_EQ(r.type, PacketType::Pubrec);
    EXPECT_EQ(r.reason, ReasonCode::NoMatchingSubscribers);
    EXPECT_EQ(enc(r, V5), hex("5003000110"));
    // Remaining length 4 with an empty property block decodes; re-encoded short.
    r = dec_as<PubResponse>(hex("6204000100 00"), V5);
    EXPECT_EQ(r.type, PacketType::Pubrel);
    EXPECT_EQ(enc(r, V5), hex("62020001"));
    // DISCONNECT with remaining length 0 is a normal disconnection.
    auto d = dec_as<Disconnect>(hex("e000"), V5);
    EXPECT_EQ(d.reason, ReasonCode::Success);
    EXPECT_EQ(enc(d, V5), hex("e000"));
    d = dec_as<Disconnect>(hex("e00104"), V5);
    EXPECT_EQ(d.reason, ReasonCode::DisconnectWithWillMessage);
    EXPECT_EQ(enc(d, V5), hex("e00104"));
    d = dec_as<Disconnect>(hex("e0028e00"), V5);
    EXPECT_EQ(d.reason, ReasonCode::SessionTakenOver);
    // AUTH with remaining length 0 is Success.
    auto a = dec_as<Auth>(hex("f000"), V5);
    EXPECT_EQ(a.reason, ReasonCode::Success);
    EXPECT_EQ(enc(a, V5), hex("f000"));
    EXPECT_EQ(enc(Auth{ReasonCode::ContinueAuthentication, {}}, V5), hex("f0021800"));
}

TEST(Vectors, V5Connack) {
    Connack ca;
    ca.reason = ReasonCode::Success;
    ca.properties.receive_maximum = 10;
    ca.properties.maximum_qos = 1;
    ca.properties.assigned_client_identifier = "id";
    EXPECT_EQ(enc(ca, V5), hex("200d 00 00 0a 1200026964 21000a 2401"));
    EXPECT_EQ(enc(Connack{}, V5), hex("2003000000"));
}

TEST(Vectors, V5SubscribeOptions) {
    // Options: QoS 1, no local, retain as published, retain handling 2 = 0x2D.
    const Bytes b = hex("820b 0001 02 0b05 0003612f62 2d");
    auto s = dec_as<Subscribe>(b, V5);
    ASSERT_EQ(s.topics.size(), 1u);
    EXPECT_EQ(s.properties.subscription_identifiers, std::vector<std::uint32_t>{5});
    EXPECT_EQ(s.topics[0].options.max_qos, QoS::AtLeastOnce);
    EXPECT_TRUE(s.topics[0].options.no_local);
    EXPECT_TRUE(s.topics[0].options.retain_as_published);
    EXPECT_EQ(s.topics[0].options.retain_handling, RetainHandling::DoNotSend);
    EXPECT_EQ(enc(s, V5), b);
}

TEST(Vectors, ReasonCodeStrings) {
    EXPECT_EQ(to_string(ReasonCode::Success), "Success");
    EXPECT_EQ(to_string(ReasonCode::MalformedPacket), "Malformed Packet");
    EXPECT_EQ(to_string(ReasonCode::WildcardSubscriptionsNotSupported),
              "Wildcard Subscriptions not supported");
    EXPECT_EQ(to_string(static_cast<ReasonCode>(0x03)), "Unknown reason code");
    EXPECT_TRUE(is_error(ReasonCode::UnspecifiedError));
    EXPECT_FALSE(is_error(ReasonCode::GrantedQoS2));
}

}  // namespace
}  // namespace ts::mqtt::test
