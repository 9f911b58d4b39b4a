// Which operation a device's topic is (PROTOCOL.md 3.1).
#include <gtest/gtest.h>

#include "thing/uplink_topic.hpp"

namespace ts::thing {
namespace {

TEST(UplinkTopic, SystemTopics) {
    auto t = classify_uplink("/sys/a1B/dev1/thing/event/property/post");
    EXPECT_EQ(t.kind, Uplink::PropertyPost);
    EXPECT_EQ(t.product_key, "a1B");
    EXPECT_EQ(t.device_name, "dev1");
    EXPECT_EQ(classify_uplink("/sys/a1B/dev1/thing/event/property/batch/post").kind,
              Uplink::BatchPost);
    EXPECT_EQ(classify_uplink("/sys/a1B/dev1/thing/event/property/pack/post").kind,
              Uplink::PackPost);
    EXPECT_EQ(classify_uplink("/sys/a1B/dev1/thing/event/property/history/post").kind,
              Uplink::HistoryPost);
    EXPECT_EQ(classify_uplink("/sys/a1B/dev1/thing/service/property/set_reply").kind,
              Uplink::PropertySetReply);
    EXPECT_EQ(classify_uplink("/sys/a1B/dev1/thing/property/desired/get").kind, Uplink::DesiredGet);
    EXPECT_EQ(classify_uplink("/sys/a1B/dev1/thing/deviceinfo/delete").kind, Uplink::TagsDelete);
    EXPECT_EQ(classify_uplink("/sys/a1B/dev1/thing/config/get").kind, Uplink::ConfigGet);
    EXPECT_EQ(classify_uplink("/sys/a1B/dev1/thing/dynamicTsl/get").kind, Uplink::TslGet);
    EXPECT_EQ(classify_uplink("/sys/a1B/dev1/thing/model/up_raw").kind, Uplink::UpRaw);
}

TEST(UplinkTopic, IdentifiersFromTheTopic) {
    auto e = classify_uplink("/sys/a1B/dev1/thing/event/alarm/post");
    EXPECT_EQ(e.kind, Uplink::EventPost);
    EXPECT_EQ(e.id, "alarm");
    auto s = classify_uplink("/sys/a1B/dev1/thing/service/reboot_reply");
    EXPECT_EQ(s.kind, Uplink::ServiceReply);
    EXPECT_EQ(s.id, "reboot");
    auto r = classify_uplink("/sys/a1B/dev1/rrpc/response/123456");
    EXPECT_EQ(r.kind, Uplink::RrpcResponse);
    EXPECT_EQ(r.id, "123456");
}

TEST(UplinkTopic, ExtAndShadow) {
    auto n = classify_uplink("/ext/ntp/a1B/dev1/request");
    EXPECT_EQ(n.kind, Uplink::NtpRequest);
    EXPECT_EQ(n.device_name, "dev1");
    auto s = classify_uplink("/shadow/update/a1B/dev1");
    EXPECT_EQ(s.kind, Uplink::ShadowUpdate);
    EXPECT_EQ(s.product_key, "a1B");
}

// Requests on system topics the platform does not implement are told apart
// from the device's answers and the platform's own downlinks: only they get
// an error reply.
TEST(UplinkTopic, UnsupportedRequests) {
    auto t = classify_uplink("/sys/a1B/dev1/thing/some/unknown/method");
    EXPECT_EQ(t.kind, Uplink::Unsupported);
    EXPECT_EQ(t.product_key, "a1B");
    EXPECT_EQ(t.device_name, "dev1");
    EXPECT_EQ(t.id, "thing/some/unknown/method");
    EXPECT_EQ(method_of_path(t.id), "thing.some.unknown.method");
    for (const char* topic : {"/sys/a1B/dev1/thing/topo/add", "/sys/a1B/dev1/thing/topo/get",
                              "/sys/a1B/dev1/thing/sub/register", "/sys/a1B/dev1/thing/log/post",
                              "/sys/a1B/dev1/thing/reset", "/ext/session/a1B/dev1/combine/login"}) {
        EXPECT_EQ(classify_uplink(topic).kind, Uplink::Unsupported) << topic;
    }
    EXPECT_EQ(classify_uplink("/ext/session/a1B/dev1/combine/batch_login").id,
              "combine/batch_login");
}

TEST(UplinkTopic, AnswersAndDownlinksAreNotUnsupportedRequests) {
    for (const char* topic :
         {"/sys/a1B/dev1/thing/disable_reply", "/sys/a1B/dev1/thing/topo/add/notify_reply",
          "/sys/a1B/dev1/thing/model/down_raw_reply", "/sys/a1B/dev1/rrpc/request/1",
          "/sys/a1B/dev1/thing/service/property/set", "/sys/a1B/dev1/thing/service/reboot",
          "/sys/a1B/dev1/thing/config/push", "/sys/a1B/dev1/thing/topo/add/notify",
          "/sys/a1B/dev1/thing/disable", "/sys/a1B/dev1/thing/topo/change",
          "/ext/rrpc/123/sys/a1B/dev1/thing/service/reboot", "/ext/error/a1B/dev1",
          "/ext/session/a1B/dev1/combine/login_reply", "/ext/register",
          "/ota/device/upgrade/a1B/dev1", "/sys/a1B/dev1/thing/x//y"}) {
        EXPECT_EQ(classify_uplink(topic).kind, Uplink::None) << topic;
    }
}

TEST(UplinkTopic, OtaTopics) {
    auto inform = classify_uplink("/ota/device/inform/a1B/dev1");
    EXPECT_EQ(inform.kind, Uplink::OtaInform);
    EXPECT_EQ(inform.product_key, "a1B");
    EXPECT_EQ(inform.device_name, "dev1");
    EXPECT_EQ(classify_uplink("/ota/device/request/a1B/dev1").kind, Uplink::OtaRequest);
    auto progress = classify_uplink("/ota/device/progress/a1B/dev1");
    EXPECT_EQ(progress.kind, Uplink::Unhandled);
    EXPECT_EQ(progress.id, "ota/device/progress");
    EXPECT_EQ(classify_uplink("/sys/a1B/dev1/thing/ota/firmware/get").kind, Uplink::FirmwareGet);
    EXPECT_EQ(classify_uplink("/ota/device/inform/a1B/dev1/x").kind, Uplink::None);
    EXPECT_EQ(classify_uplink("/ota/device/inform/a1B").kind, Uplink::None);
}

TEST(UplinkTopic, OthersAreNotOurs) {
    for (const char* topic :
         {"/a1B/dev1/user/update", "/sys/a1B/dev1/thing/event/property/post_reply",
          "/sys/a1B/dev1/thing/event//post", "/sys/a1B/dev1/thing/event/a/b/post",
          "/sys/a1B/dev1/thing/service/_reply", "/sys/a1B/dev1/rrpc/response/",
          "/sys/a1B/dev1/rrpc/response/1/2", "/sys/a1B", "/sys//dev1/thing/event/property/post",
          "/ext/ntp/a1B/dev1/response", "/shadow/update/a1B/dev1/x", "/shadow/get/a1B/dev1", "",
          "/"}) {
        EXPECT_EQ(classify_uplink(topic).kind, Uplink::None) << topic;
    }
}

}  // namespace
}  // namespace ts::thing
