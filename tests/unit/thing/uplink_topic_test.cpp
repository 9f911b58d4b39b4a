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
