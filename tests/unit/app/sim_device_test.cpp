// A simulated device without a network: what it posts, how it answers
// property sets, services and RRPC calls, and how post replies are counted.
#include <gtest/gtest.h>

#include <set>

#include "app/sim/alink.hpp"
#include "app/sim/fleet_setup.hpp"
#include "app/sim/sim_thing.hpp"
#include "app/sim/stats.hpp"

namespace ts::app::sim {
namespace {

using nlohmann::json;

const char* kModel = R"({
  "properties": [
    {"identifier": "temperature", "name": "t", "accessMode": "rw",
     "dataType": {"type": "float", "specs": {"min": "-40", "max": "120"}}},
    {"identifier": "mode", "name": "m", "accessMode": "rw",
     "dataType": {"type": "enum", "specs": {"0": "auto", "1": "manual"}}}
  ],
  "events": [
    {"identifier": "alarm", "name": "a", "type": "alert",
     "outputData": [{"identifier": "level", "name": "l",
                     "dataType": {"type": "int", "specs": {"min": "0", "max": "5"}}}]}
  ],
  "services": [
    {"identifier": "reboot", "name": "r", "callType": "async",
     "inputData": [{"identifier": "delay", "name": "d", "dataType": {"type": "int"}}],
     "outputData": []},
    {"identifier": "calc", "name": "c", "callType": "sync",
     "inputData": [{"identifier": "a", "name": "a", "dataType": {"type": "int"}}],
     "outputData": [{"identifier": "sum", "name": "s",
                     "dataType": {"type": "int", "specs": {"min": "0", "max": "9"}}}]}
  ]
})";

thing::ThingModelPtr model(const char* text = kModel) {
    auto r = thing::parse_thing_model(text);
    EXPECT_TRUE(r.has_value());
    return r ? *r : nullptr;
}

SimThing device(std::uint64_t seed = 1) {
    return SimThing("pk1", "sim_0001", model(), seed);
}

void expect_valid_post(const thing::ThingModel& m, const json& post) {
    ASSERT_TRUE(post.is_object());
    EXPECT_TRUE(post["id"].is_string());
    EXPECT_EQ(post["version"], "1.0");
    EXPECT_EQ(post["method"], "thing.event.property.post");
    for (auto it = post["params"].begin(); it != post["params"].end(); ++it) {
        const auto* p = m.find_property(it.key());
        ASSERT_NE(p, nullptr) << it.key();
        auto e = thing::validate_value(p->data_type, it.value(), it.key());
        ASSERT_FALSE(e.has_value()) << e->message;
    }
}

TEST(SimThing, TicksPostEveryPropertyAsAnAlinkRequest) {
    auto m = model();
    SimThing d("pk1", "sim_0001", m, 1);
    std::set<std::string> ids;
    for (int i = 0; i < 50; ++i) {
        const auto out = d.tick();
        ASSERT_FALSE(out.empty());
        EXPECT_EQ(out[0].topic, "/sys/pk1/sim_0001/thing/event/property/post");
        EXPECT_FALSE(out[0].event);
        const json post = json::parse(out[0].payload);
        EXPECT_EQ(post["params"].size(), 2u);
        expect_valid_post(*m, post);
        ids.insert(post["id"].get<std::string>());
        for (std::size_t k = 1; k < out.size(); ++k)
            ids.insert(json::parse(out[k].payload)["id"].get<std::string>());
    }
    // Ids are unique per device.
    EXPECT_GE(ids.size(), 50u);
}

TEST(SimThing, EventsComeNowAndThenWithValidOutput) {
    auto m = model();
    SimThing d("pk1", "sim_0001", m, 2);
    int events = 0;
    for (int i = 0; i < 2000; ++i) {
        for (const auto& out : d.tick()) {
            if (!out.event) continue;
            ++events;
            EXPECT_EQ(out.topic, "/sys/pk1/sim_0001/thing/event/alarm/post");
            const json post = json::parse(out.payload);
            EXPECT_EQ(post["method"], "thing.event.alarm.post");
            EXPECT_EQ(post["version"], "1.0");
            EXPECT_TRUE(post["params"]["time"].is_number_integer());
            auto e =
                thing::validate_params(m->find_event("alarm")->output, post["params"]["value"]);
            EXPECT_FALSE(e.has_value());
        }
    }
    // About one tick in twenty.
    EXPECT_GT(events, 50);
    EXPECT_LT(events, 200);
}

TEST(SimThing, PropertySetIsAdoptedAndAcknowledged) {
    auto d = device();
    d.tick();
    Received what{};
    const auto reply =
        d.receive("/sys/pk1/sim_0001/thing/service/property/set",
                  R"({"id":"9001","version":"1.0","params":{"temperature":33.5,"nosuch":1},)"
                  R"("method":"thing.service.property.set"})",
                  what);
    EXPECT_EQ(what, Received::PropertySet);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->topic, "/sys/pk1/sim_0001/thing/service/property/set_reply");
    EXPECT_EQ(json::parse(reply->payload), json::parse(R"({"id":"9001","code":200,"data":{}})"));
    // The next posts report it before the walk goes on.
    for (int i = 0; i < kHoldPosts; ++i) {
        const json post = json::parse(d.tick()[0].payload);
        EXPECT_EQ(post["params"]["temperature"], 33.5) << i;
        EXPECT_FALSE(post["params"].contains("nosuch"));
    }
}

TEST(SimThing, AsyncServiceIsAnsweredOnItsReplyTopic) {
    auto d = device();
    Received what{};
    auto reply = d.receive("/sys/pk1/sim_0001/thing/service/calc",
                           R"({"id":"12","version":"1.0","params":{"a":1},)"
                           R"("method":"thing.service.calc"})",
                           what);
    EXPECT_EQ(what, Received::ServiceCall);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->topic, "/sys/pk1/sim_0001/thing/service/calc_reply");
    const json r = json::parse(reply->payload);
    EXPECT_EQ(r["id"], "12");
    EXPECT_EQ(r["code"], 200);
    ASSERT_TRUE(r["data"].contains("sum"));
    EXPECT_FALSE(thing::validate_params(model()->find_service("calc")->output, r["data"]));

    reply = d.receive("/sys/pk1/sim_0001/thing/service/reboot",
                      R"({"id":"13","version":"1.0","params":{"delay":1},)"
                      R"("method":"thing.service.reboot"})",
                      what);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(json::parse(reply->payload), json::parse(R"({"id":"13","code":200,"data":{}})"));

    // Unknown services get the device's "request parameter error".
    reply = d.receive("/sys/pk1/sim_0001/thing/service/nosuch", R"({"id":"14","params":{}})", what);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(json::parse(reply->payload)["code"], 460);
}

TEST(SimThing, RrpcCallsAreAnsweredOnTheResponseTopic) {
    auto d = device();
    Received what{};
    const auto reply = d.receive("/sys/pk1/sim_0001/rrpc/request/1234567",
                                 R"({"id":"77","version":"1.0","params":{"a":3},)"
                                 R"("method":"thing.service.calc"})",
                                 what);
    EXPECT_EQ(what, Received::ServiceCall);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->topic, "/sys/pk1/sim_0001/rrpc/response/1234567");
    const json r = json::parse(reply->payload);
    EXPECT_EQ(r["id"], "77");
    EXPECT_EQ(r["code"], 200);
    EXPECT_TRUE(r["data"]["sum"].is_number_integer());
}

TEST(SimThing, LegacyGetReturnsCurrentValues) {
    auto d = device();
    Received what{};
    const auto reply = d.receive("/sys/pk1/sim_0001/thing/service/property/get",
                                 R"({"id":"5","params":["mode"]})", what);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->topic, "/sys/pk1/sim_0001/thing/service/property/get_reply");
    EXPECT_EQ(json::parse(reply->payload)["data"]["mode"], d.values()["mode"]);
}

TEST(SimThing, PostRepliesAreCountedByCode) {
    auto d = device();
    Received what{};
    EXPECT_FALSE(d.receive("/sys/pk1/sim_0001/thing/event/property/post_reply",
                           R"({"id":"1","code":200,"data":{},"message":"success"})", what));
    EXPECT_EQ(what, Received::PostAccepted);
    d.receive("/sys/pk1/sim_0001/thing/event/alarm/post_reply",
              R"({"id":"2","code":6307,"data":{},"message":"x"})", what);
    EXPECT_EQ(what, Received::PostRefused);
    d.receive("/sys/pk1/sim_0001/thing/event/property/post_reply", "not json", what);
    EXPECT_EQ(what, Received::PostRefused);
    EXPECT_FALSE(d.receive("/sys/pk1/other/thing/service/calc", "{}", what));
    EXPECT_EQ(what, Received::Ignored);
}

TEST(SimThing, MoreThanTwoHundredPropertiesGoInSeveralPosts) {
    json tsl = {{"properties", json::array()}};
    for (int i = 0; i < 450; ++i) {
        tsl["properties"].push_back({{"identifier", "p" + std::to_string(i)},
                                     {"name", "p"},
                                     {"accessMode", "r"},
                                     {"dataType", {{"type", "int"}}}});
    }
    auto m = thing::parse_thing_model(tsl);
    ASSERT_TRUE(m.has_value());
    SimThing d("pk1", "dn1", *m, 3);
    const auto out = d.tick();
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(json::parse(out[0].payload)["params"].size(), 200u);
    EXPECT_EQ(json::parse(out[2].payload)["params"].size(), 50u);
}

TEST(SimThing, DelaysJitterAroundTheInterval) {
    auto d = device();
    using std::chrono::milliseconds;
    for (int i = 0; i < 200; ++i) {
        const auto next = d.next_delay(milliseconds(1000));
        EXPECT_GE(next.count(), 800);
        EXPECT_LE(next.count(), 1200);
        const auto first = d.first_delay(milliseconds(1000));
        EXPECT_GE(first.count(), 0);
        EXPECT_LE(first.count(), 1000);
    }
}

TEST(SimAlink, DownlinksByTopic) {
    auto d = classify_downlink("pk", "dn", "/sys/pk/dn/thing/service/property/set");
    EXPECT_EQ(d.kind, DownlinkKind::PropertySet);
    EXPECT_EQ(d.reply_topic, "/sys/pk/dn/thing/service/property/set_reply");
    d = classify_downlink("pk", "dn", "/sys/pk/dn/thing/service/reboot");
    EXPECT_EQ(d.kind, DownlinkKind::Service);
    EXPECT_EQ(d.service, "reboot");
    EXPECT_EQ(d.reply_topic, "/sys/pk/dn/thing/service/reboot_reply");
    d = classify_downlink("pk", "dn", "/sys/pk/dn/rrpc/request/42");
    EXPECT_EQ(d.kind, DownlinkKind::Rrpc);
    EXPECT_EQ(d.reply_topic, "/sys/pk/dn/rrpc/response/42");
    EXPECT_EQ(classify_downlink("pk", "dn", "/sys/pk/dn/thing/event/property/post_reply").kind,
              DownlinkKind::PostReply);
    for (const char* other : {"/sys/pk/dn/thing/service/reboot_reply", "/sys/pk/dn/thing/service/",
                              "/sys/pk/dn/rrpc/request/", "/sys/pk/dn2/thing/service/x",
                              "/pk/dn/user/x", "/sys/pk/dn/thing/config/push"})
        EXPECT_EQ(classify_downlink("pk", "dn", other).kind, DownlinkKind::Other) << other;
    EXPECT_EQ(
        downlink_filters("pk", "dn"),
        (std::vector<std::string>{"/sys/pk/dn/thing/service/+", "/sys/pk/dn/rrpc/request/+"}));
    EXPECT_EQ(service_of_method("thing.service.calc"), "calc");
    EXPECT_EQ(service_of_method("thing.service."), "");
    EXPECT_EQ(service_of_method("thing.event.x.post"), "");
}

TEST(SimFleet, DeviceNamesAndErrors) {
    EXPECT_EQ(fleet_device_name("sim_", 1), "sim_0001");
    EXPECT_EQ(fleet_device_name("x", 500), "x0500");
    EXPECT_EQ(fleet_device_name("x", 12345), "x12345");
    EXPECT_EQ(explain({0, "", "cannot reach 127.0.0.1:1 (connect): Connection refused"},
                      "http://127.0.0.1:1", "x"),
              "cannot reach the platform API at http://127.0.0.1:1: cannot reach 127.0.0.1:1 "
              "(connect): Connection refused");
    EXPECT_NE(explain({401, "Unauthorized", "bad token"}, "s", "x").find("--token"),
              std::string::npos);
    EXPECT_EQ(explain({500, "Internal", "boom"}, "s", "cannot register device d"),
              "cannot register device d: 500 Internal: boom");
}

TEST(SimStats, TextAndJsonLines) {
    Counters c;
    c.posts = 75;
    c.events = 4;
    c.replies_ok = 72;
    c.replies_other = 1;
    c.sets = 1;
    c.services = 2;
    c.online = 3;
    const auto s = snapshot(c, 3, 5.04);
    EXPECT_EQ(format_snapshot(s, false),
              "[    5s] online 3/3  posts 75 (events 4)  replies 200: 72, other: 1  sets 1  "
              "services 2  errors 0");
    EXPECT_EQ(json::parse(format_snapshot(s, true)),
              json::parse(R"({"elapsedS":5.0,"devices":3,"online":3,"posts":75,"events":4,)"
                          R"("replies200":72,"repliesOther":1,"sets":1,"services":2,"errors":0})"));
}

}  // namespace
}  // namespace ts::app::sim
