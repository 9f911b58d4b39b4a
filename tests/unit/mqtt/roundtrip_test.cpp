// Every packet type, both versions: encode -> decode gives the same value,
// encoded_size matches, encode_publish_header + payload == encode.
#include "mqtt_test_util.hpp"

namespace ts::mqtt::test {
namespace {

Properties all_connect_props() {
    Properties p;
    p.session_expiry_interval = 3600;
    p.authentication_method = "SCRAM-SHA-1";
    p.authentication_data = std::string("\x00\x01\xff", 3);
    p.request_problem_information = 0;
    p.request_response_information = 1;
    p.receive_maximum = 100;
    p.topic_alias_maximum = 10;
    p.user_properties = {{"b", "2"}, {"a", "1"}, {"b", "3"}};
    p.maximum_packet_size = 65536;
    return p;
}

Properties all_connack_props() {
    Properties p;
    p.session_expiry_interval = 0;
    p.assigned_client_identifier = "auto-1";
    p.server_keep_alive = 30;
    p.authentication_method = "m";
    p.authentication_data = "d";
    p.response_information = "resp/";
    p.server_reference = "other:1883";
    p.reason_string = "fine";
    p.receive_maximum = 65535;
    p.topic_alias_maximum = 0;
    p.maximum_qos = 1;
    p.retain_available = 0;
    p.user_properties = {{"k", "v"}};
    p.maximum_packet_size = 268435460;
    p.wildcard_subscription_available = 1;
    p.subscription_identifier_available = 0;
    p.shared_subscription_available = 1;
    return p;
}

Properties message_props() {
    Properties p;
    p.payload_format_indicator = 1;
    p.message_expiry_interval = 60;
    p.content_type = "text/plain";
    p.response_topic = "reply/here";
    p.correlation_data = std::string("\x01\x00\x02", 3);
    p.user_properties = {{"x", "y"}, {"x", "z"}};
    return p;
}

Properties ack_props() {
    Properties p;
    p.reason_string = "why";
    p.user_properties = {{"u", "v"}};
    return p;
}

std::vector<Packet> samples(ProtocolVersion v) {
    const bool v5 = v == ProtocolVersion::v5;
    std::vector<Packet> out;

    Connect c;
    c.version = v;
    c.clean_start = false;
    c.keep_alive = 60;
    c.client_id = "client-\xc3\xa9";
    out.push_back(c);  // minimal
    c.username = "user";
    c.password = std::string("p\x00ss", 4);
    Will w;
    w.topic = "will/topic";
    w.payload = buf("gone");
    w.qos = QoS::ExactlyOnce;
    w.retain = true;
    if (v5) {
        w.properties = message_props();
        w.properties.will_delay_interval = 5;
        c.properties = all_connect_props();
    }
    c.will = w;
    out.push_back(c);
    c.client_id.clear();
    c.will->qos = QoS::AtLeastOnce;
    c.will->payload = {};
    out.push_back(c);

    Connack ca;
    out.push_back(ca);
    ca.session_present = true;
    out.push_back(ca);
    ca.session_present = false;
    ca.reason = ReasonCode::NotAuthorized;
    if (v5) ca.properties = all_connack_props();
    out.push_back(ca);

    Publish p;
    p.topic = "a/b/c";
    p.payload = buf("hello");
    out.push_back(p);
    p.qos = QoS::AtLeastOnce;
    p.packet_id = 1;
    p.retain = true;
    out.push_back(p);
    p.qos = QoS::ExactlyOnce;
    p.dup = true;
    p.packet_id = 65535;
    p.payload = buf(std::string(70000, 'z'));
    if (v5) {
        p.properties = message_props();
        p.properties.subscription_identifiers = {1, 268435455, 128};
        p.properties.topic_alias = 7;
    }
    out.push_back(p);
    p.payload = {};
    out.push_back(p);
    if (v5) {
        Publish alias;
        alias.properties.topic_alias = 3;
        alias.payload = buf("x");
        out.push_back(alias);
    }

    for (auto t :
         {PacketType::Puback, PacketType::Pubrec, PacketType::Pubrel, PacketType::Pubcomp}) {
        PubResponse r;
        r.type = t;
        r.packet_id = 42;
        out.push_back(r);
        if (v5) {
            const bool rel = t == PacketType::Pubrel || t == PacketType::Pubcomp;
            r.reason =
                rel ? ReasonCode::PacketIdentifierNotFound : ReasonCode::NoMatchingSubscribers;
            out.push_back(r);  // reason, no properties
            r.properties = ack_props();
            out.push_back(r);
            r.reason = ReasonCode::Success;
            out.push_back(r);  // success with properties
        }
    }

    Subscribe s;
    s.packet_id = 10;
    s.topics.push_back(
        {"a/+/c", {QoS::AtLeastOnce, false, false, RetainHandling::SendAtSubscribe}});
    s.topics.push_back({"#", {QoS::ExactlyOnce, false, false, RetainHandling::SendAtSubscribe}});
    if (v5) {
        s.topics.push_back(
            {"$share/g/x", {QoS::AtMostOnce, true, true, RetainHandling::DoNotSend}});
        s.topics.push_back(
            {"y", {QoS::AtMostOnce, false, true, RetainHandling::SendAtSubscribeIfNew}});
        s.properties.subscription_identifiers = {99};
        s.properties.user_properties = {{"s", "t"}};
    }
    out.push_back(s);

    Suback sa;
    sa.packet_id = 10;
    sa.reasons = {ReasonCode::Success, ReasonCode::GrantedQoS1, ReasonCode::GrantedQoS2,
                  ReasonCode::UnspecifiedError};
    if (v5) {
        sa.reasons.push_back(ReasonCode::TopicFilterInvalid);
        sa.reasons.push_back(ReasonCode::WildcardSubscriptionsNotSupported);
        sa.properties = ack_props();
    }
    out.push_back(sa);

    Unsubscribe u;
    u.packet_id = 11;
    u.filters = {"a/+", "b/#", "c"};
    if (v5) u.properties.user_properties = {{"p", "q"}};
    out.push_back(u);

    Unsuback ua;
    ua.packet_id = 11;
    if (v5) {
        ua.reasons = {ReasonCode::Success, ReasonCode::NoSubscriptionExisted,
                      ReasonCode::NotAuthorized};
        ua.properties = ack_props();
    }
    out.push_back(ua);

    out.push_back(Pingreq{});
    out.push_back(Pingresp{});
    out.push_back(Disconnect{});
    if (v5) {
        Disconnect d;
        d.reason = ReasonCode::DisconnectWithWillMessage;
        out.push_back(d);
        d.reason = ReasonCode::ServerMoved;
        d.properties = ack_props();
        d.properties.session_expiry_interval = 0;
        d.properties.server_reference = "elsewhere";
        out.push_back(d);
        d.reason = ReasonCode::Success;
        out.push_back(d);

        out.push_back(Auth{});
        Auth a;
        a.reason = ReasonCode::ContinueAuthentication;
        out.push_back(a);
        a.properties.authentication_method = "SCRAM-SHA-1";
        a.properties.authentication_data = "challenge";
        a.properties.reason_string = "more";
        a.properties.user_properties = {{"1", "2"}};
        out.push_back(a);
    }
    return out;
}

void round_trip(ProtocolVersion v) {
    const auto packets = samples(v);
    for (std::size_t i = 0; i < packets.size(); ++i) {
        SCOPED_TRACE("sample " + std::to_string(i) + " type index " +
                     std::to_string(packets[i].index()));
        Bytes prefix = {0xAA};  // encode appends
        encode(packets[i], v, prefix);
        ASSERT_EQ(prefix[0], 0xAA);
        Bytes b(prefix.begin() + 1, prefix.end());
        EXPECT_EQ(b.size(), encoded_size(packets[i], v));
        auto f = read_fixed_header(b, 0);
        ASSERT_EQ(f.status, FrameStatus::Complete);
        EXPECT_EQ(f.header.total_length(), b.size());
        auto r = decode(b, v);
        ASSERT_TRUE(r.has_value()) << r.error().message;
        EXPECT_TRUE(*r == packets[i]);
        // Re-encoding the decoded value gives the same bytes.
        EXPECT_EQ(enc(*r, v), b);
        if (const auto* p = std::get_if<Publish>(&packets[i])) {
            Bytes h;
            encode_publish_header(*p, v, h);
            h.insert(h.end(), p->payload.data(), p->payload.data() + p->payload.size());
            EXPECT_EQ(h, b);
        }
    }
}

TEST(RoundTrip, V5) {
    round_trip(V5);
}
TEST(RoundTrip, V311) {
    round_trip(V311);
}
TEST(RoundTrip, V31) {
    round_trip(V31);
}

TEST(RoundTrip, AllSamplesDecodeAsV5WhenConnectIsV5) {
    // CONNECT carries its own version whatever the connection's is.
    Connect c;
    c.version = V5;
    c.properties.receive_maximum = 5;
    c.client_id = "x";
    auto r = decode(enc(c, V311), V311);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(*r == Packet{c});
}

TEST(RoundTrip, PublishHeaderWithEmptyAndLargePayload) {
    for (std::size_t n : {0, 1, 127, 128, 16383, 16384, 2097152}) {
        Publish p;
        p.topic = "t";
        p.qos = QoS::AtLeastOnce;
        p.packet_id = 9;
        p.payload = buf(std::string(n, 'p'));
        for (auto v : {V311, V5}) {
            Bytes h;
            encode_publish_header(p, v, h);
            Bytes full = enc(p, v);
            ASSERT_EQ(h.size() + n, full.size());
            EXPECT_TRUE(std::equal(h.begin(), h.end(), full.begin()));
            EXPECT_EQ(full.size(), encoded_size(p, v));
            EXPECT_TRUE(decode(full, v).has_value());
        }
    }
}

// The broker's direct header writer must produce the bytes the codec does
// for the same PUBLISH without properties, across varint boundaries.
TEST(RoundTrip, PlainPublishHeaderEqualsTheCodecs) {
    for (std::size_t n : {0, 1, 120, 127, 128, 16383, 16384, 2097152}) {
        for (const std::string& topic : std::vector<std::string>{
                 "t", std::string(200, 'a'), "/sys/pk/dn/thing/event/property/post"}) {
            for (auto qos : {QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce}) {
                for (bool flags : {false, true}) {
                    Publish p;
                    p.topic = topic;
                    p.qos = qos;
                    p.retain = flags;
                    p.dup = flags;
                    p.packet_id = qos == QoS::AtMostOnce ? 0 : 0xBEEF;
                    p.payload = buf(std::string(n, 'p'));
                    for (auto v : {V311, V5}) {
                        Bytes want, got{0x42};  // appends after what is there
                        encode_publish_header(p, v, want);
                        encode_plain_publish_header(
                            {p.topic, p.qos, p.retain, p.dup, p.packet_id, n}, v, got);
                        ASSERT_EQ(got.size(), want.size() + 1) << topic << " " << n;
                        EXPECT_EQ(got[0], 0x42);
                        EXPECT_TRUE(std::equal(want.begin(), want.end(), got.begin() + 1))
                            << "topic " << topic.size() << " payload " << n << " qos "
                            << static_cast<int>(qos) << " flags " << flags;
                    }
                }
            }
        }
    }
}

}  // namespace
}  // namespace ts::mqtt::test
