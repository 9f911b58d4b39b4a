// The props scenario's pure parts: device credentials (CSV and batch reply),
// the signed CONNECT, the bench's thing model and the properties a post
// carries, the plan, the post's bytes and the reading of a post_reply.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <variant>

#include "app/bench/device_credentials.hpp"
#include "app/bench/props_payload.hpp"
#include "app/bench/props_plan.hpp"
#include "mqtt/codec.hpp"
#include "registry/signing.hpp"
#include "thing/alink.hpp"

namespace ts::app::bench {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// -- credentials

TEST(BenchDeviceCredentials, ReadsTheCsvTheCliWrites) {
    const auto got = parse_credentials_csv(
        "productKey,deviceName,deviceSecret\r\na1B2c3D4e5,dev01,s1\r\n\r\na1B2c3D4e5,dev02,s2\r\n");
    ASSERT_TRUE(got) << got.error();
    ASSERT_EQ(got->size(), 2u);
    EXPECT_EQ((*got)[1].product_key, "a1B2c3D4e5");
    EXPECT_EQ((*got)[1].device_name, "dev02");
    EXPECT_EQ((*got)[1].device_secret, "s2");
}

TEST(BenchDeviceCredentials, FindsColumnsByName) {
    const auto got = parse_credentials_csv("deviceSecret,deviceName,productKey\n\"s\",d,p\n");
    ASSERT_TRUE(got) << got.error();
    EXPECT_EQ(got->front().product_key, "p");
    EXPECT_EQ(got->front().device_name, "d");
    EXPECT_EQ(got->front().device_secret, "s");
}

TEST(BenchDeviceCredentials, CsvErrorsNameTheProblem) {
    auto bad = parse_credentials_csv("productKey,deviceName\np,d\n");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("deviceSecret"), std::string::npos);
    bad = parse_credentials_csv("productKey,deviceName,deviceSecret\np,d,s\np,d\n");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("line 3"), std::string::npos);
    EXPECT_FALSE(parse_credentials_csv("productKey,deviceName,deviceSecret\n"));
    EXPECT_FALSE(parse_credentials_csv(""));
}

TEST(BenchDeviceCredentials, ReadsABatchReply) {
    const auto reply = nlohmann::json::parse(
        R"({"items":[{"productKey":"p","deviceName":"d1","deviceSecret":"s1","iotId":"x"}]})");
    const auto got = credentials_from_batch_reply(reply);
    ASSERT_TRUE(got);
    ASSERT_EQ(got->size(), 1u);
    EXPECT_EQ(got->front().device_secret, "s1");
    EXPECT_FALSE(credentials_from_batch_reply(nlohmann::json::object()));
    EXPECT_FALSE(credentials_from_batch_reply(
        nlohmann::json::parse(R"({"items":[{"productKey":"p","deviceName":"d1"}]})")));
}

// PROTOCOL.md 1.2's test vector: secret s3cr3tKey, a1B2c3D4e5.dev01 at
// timestamp 2524608000000, HMAC-SHA256.
TEST(BenchDeviceCredentials, SignsAsAlibabasSdksDo) {
    mqtt::Connect c;
    sign_in_as({"a1B2c3D4e5", "dev01", "s3cr3tKey"}, 2524608000000, c);
    EXPECT_EQ(c.client_id,
              "a1B2c3D4e5.dev01|securemode=3,signmethod=hmacsha256,timestamp=2524608000000|");
    EXPECT_EQ(c.username, "dev01&a1B2c3D4e5");
    ASSERT_TRUE(c.password);
    EXPECT_EQ(lower(*c.password),
              lower("04F2610A35B376B1C8779AE616496AF02B39CD5478423DBD58E4C2EF08EA15DB"));

    // And the server side accepts it.
    const auto id = registry::parse_signed_client_id(c.client_id);
    const auto user = registry::parse_device_username(*c.username);
    ASSERT_TRUE(id && user);
    EXPECT_TRUE(registry::verify_password(*id, *user, "s3cr3tKey", *c.password));
    EXPECT_FALSE(registry::verify_password(*id, *user, "other", *c.password));
}

TEST(BenchDeviceCredentials, ClientNSignsInAsDeviceN) {
    const auto hook = device_identity({{"p", "d0", "s0"}, {"p", "d1", "s1"}});
    mqtt::Connect c;
    hook(1, c);
    EXPECT_EQ(c.username, "d1&p");
    EXPECT_EQ(c.client_id.rfind("p.d1|", 0), 0u);
}

// -- thing model and plan

TEST(BenchPropsPlan, TheBenchModelAlternatesTemperatureAndHumidity) {
    const auto tsl = bench_thing_model(3);
    const auto props = numeric_properties(tsl);
    ASSERT_EQ(props.size(), 3u);
    EXPECT_EQ(props[0].identifier, "temperature");
    EXPECT_FALSE(props[0].integer);
    EXPECT_EQ(props[0].min, -40);
    EXPECT_EQ(props[0].max, 120);
    EXPECT_EQ(props[1].identifier, "humidity");
    EXPECT_TRUE(props[1].integer);
    EXPECT_EQ(props[1].max, 100);
    EXPECT_EQ(props[2].identifier, "temperature_2");
}

TEST(BenchPropsPlan, OnlyNumericPropertiesCount) {
    const auto tsl = nlohmann::json::parse(R"({"properties":[
        {"identifier":"on","dataType":{"type":"bool","specs":{"0":"off","1":"on"}}},
        {"identifier":"level","dataType":{"type":"double","specs":{"min":2.5,"max":"7.5"}}},
        {"identifier":"count","dataType":{"type":"int","specs":{}}},
        {"identifier":"floor","dataType":{"type":"int","specs":{"min":"10"}}}]})");
    const auto props = numeric_properties(tsl);
    ASSERT_EQ(props.size(), 3u);
    EXPECT_EQ(props[0].identifier, "level");
    EXPECT_EQ(props[0].min, 2.5);
    EXPECT_EQ(props[0].max, 7.5);
    EXPECT_EQ(props[1].min, 0);  // no bounds: 0..100
    EXPECT_EQ(props[1].max, 100);
    EXPECT_EQ(props[2].min, 10);
    EXPECT_EQ(props[2].max, 110);
}

TEST(BenchPropsPlan, WindowAndValues) {
    BenchOptions o;
    o.devices = 7;
    o.values = 2;
    auto plan = make_props_plan(o, bench_thing_model(2));
    ASSERT_TRUE(plan) << plan.error();
    EXPECT_EQ(plan->devices, 7u);
    EXPECT_EQ(plan->window, 1u);  // flat out: one post at a time by default
    EXPECT_EQ(plan->properties.size(), 2u);

    o.inflight = 4;
    o.inflight_given = true;
    EXPECT_EQ(make_props_plan(o, bench_thing_model(2))->window, 4u);
    o.rate = 5;
    EXPECT_EQ(make_props_plan(o, bench_thing_model(2))->window, 0u);  // paced: open loop
}

TEST(BenchPropsPlan, RejectsWhatTheModelCannotCarry) {
    BenchOptions o;
    o.values = 3;
    const auto plan = make_props_plan(o, bench_thing_model(2));
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().find("--values 3"), std::string::npos);
    o = BenchOptions{};
    o.devices = 0;
    EXPECT_FALSE(make_props_plan(o, bench_thing_model(2)));
    o = BenchOptions{};
    o.qos = 2;
    EXPECT_FALSE(make_props_plan(o, bench_thing_model(2)));
}

TEST(BenchPropsPlan, TopicsAreTheDevicesOwn) {
    EXPECT_EQ(property_post_topic("pk1", "dn1"), "/sys/pk1/dn1/thing/event/property/post");
    EXPECT_EQ(property_post_reply_topic("pk1", "dn1"),
              "/sys/pk1/dn1/thing/event/property/post_reply");
    EXPECT_EQ(props_lost(5, 3), 2u);
    EXPECT_EQ(props_lost(5, 6), 0u);
}

// -- payloads

TEST(BenchPropsPayload, ValuesStayWithinTheRange) {
    const NumericProperty t{"temperature", false, -40, 120};
    const NumericProperty h{"humidity", true, 0, 100};
    const NumericProperty tiny{"ratio", false, 0.1, 0.2};
    bool varied = false;
    for (std::uint64_t seq = 0; seq < 3000; ++seq) {
        const double tv = std::stod(property_value(t, seq));
        EXPECT_GE(tv, -40);
        EXPECT_LE(tv, 120);
        const auto hv = std::stoll(property_value(h, seq));
        EXPECT_GE(hv, 0);
        EXPECT_LE(hv, 100);
        const double rv = std::stod(property_value(tiny, seq));
        EXPECT_GE(rv, 0.1);
        EXPECT_LE(rv, 0.2);
        varied = varied || property_value(t, seq) != property_value(t, 0);
    }
    EXPECT_TRUE(varied);
}

TEST(BenchPropsPayload, PostIsAlinkJson) {
    const std::vector<NumericProperty> props{{"temperature", false, -40, 120},
                                             {"humidity", true, 0, 100}};
    std::string out = "left over";
    property_post_json(out, 42, props);
    const auto j = nlohmann::json::parse(out);
    EXPECT_EQ(j["id"], "42");
    EXPECT_EQ(j["version"], "1.0");
    EXPECT_EQ(j["method"], "thing.event.property.post");
    ASSERT_EQ(j["params"].size(), 2u);
    EXPECT_TRUE(j["params"]["temperature"].is_number_float());
    EXPECT_TRUE(j["params"]["humidity"].is_number_integer());
}

TEST(BenchPropsPayload, PublishDecodesAtBothQoS) {
    const std::string payload(300, 'x');  // a two-byte remaining length
    for (const std::uint16_t id : {std::uint16_t{0}, std::uint16_t{0x1234}}) {
        std::vector<std::uint8_t> out{0xAA};
        append_publish(out, "/sys/p/d/thing/event/property/post", id, payload);
        EXPECT_EQ(out[0], 0xAA);
        const auto decoded = mqtt::decode(std::span<const std::uint8_t>(out).subspan(1),
                                          mqtt::ProtocolVersion::v311);
        ASSERT_TRUE(decoded);
        const auto* p = std::get_if<mqtt::Publish>(&*decoded);
        ASSERT_NE(p, nullptr);
        EXPECT_EQ(p->topic, "/sys/p/d/thing/event/property/post");
        EXPECT_EQ(p->qos, id ? mqtt::QoS::AtLeastOnce : mqtt::QoS::AtMostOnce);
        EXPECT_EQ(p->packet_id, id);
        EXPECT_EQ(p->payload.size(), payload.size());
    }
}

TEST(BenchPropsPayload, ReadsThePlatformsReply) {
    // As the platform writes it (thing/alink.cpp).
    const auto ok = thing::alink_reply("17", 200, nlohmann::json::object(), "success",
                                       "thing.event.property.post");
    auto r = parse_post_reply(ok);
    ASSERT_TRUE(r) << ok;
    EXPECT_EQ(r->id, 17u);
    EXPECT_EQ(r->code, 200);

    // A property named "id" inside data does not hide the reply's id.
    const auto refused = thing::alink_reply("18", 6306, nlohmann::json{{"id", "bad"}},
                                            "tsl parse: out of range", "");
    r = parse_post_reply(refused);
    ASSERT_TRUE(r) << refused;
    EXPECT_EQ(r->id, 18u);
    EXPECT_EQ(r->code, 6306);

    r = parse_post_reply(R"({ "code" : 500 , "id" : "9" })");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, 500);
    EXPECT_EQ(r->id, 9u);

    EXPECT_FALSE(parse_post_reply(R"({"id":"9"})"));
    EXPECT_FALSE(parse_post_reply(R"({"code":200,"id":"abc"})"));
    EXPECT_FALSE(parse_post_reply(R"({"code":200,"id":9})"));
    EXPECT_FALSE(parse_post_reply("not json"));
}

}  // namespace
}  // namespace ts::app::bench
