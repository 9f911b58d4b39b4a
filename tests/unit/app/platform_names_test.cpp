#include "app/platform_names.hpp"

#include <gtest/gtest.h>

namespace ts::app {
namespace {

TEST(PlatformNames, DeviceSessionKeysAndAssignedIdentifiersAreReserved) {
    EXPECT_TRUE(is_reserved_client_id(device_session_key("a1B2c3D4e5", "dev01")));
    EXPECT_TRUE(is_reserved_client_id("device:"));
    EXPECT_TRUE(is_reserved_client_id("ts-3fa9c01b2e-17"));
    EXPECT_FALSE(is_reserved_client_id("ts-backend"));
    EXPECT_FALSE(is_reserved_client_id("ts-3fa9-x"));
    EXPECT_FALSE(is_reserved_client_id("ts-3FA9-1"));
    EXPECT_FALSE(is_reserved_client_id("app-1"));
    EXPECT_FALSE(is_reserved_client_id("a1B2c3D4e5.dev01"));
    EXPECT_FALSE(is_reserved_client_id("mydevice:1"));
    EXPECT_FALSE(is_reserved_client_id(""));
}

TEST(PlatformNames, TopicsOnlyThePlatformPublishesTo) {
    for (const char* t : {"$SYS", "$SYS/broker/uptime", "/as/mqtt/status", "/as/mqtt/status/pk/dn",
                          "/pk/dn/thing/event/property/post", "/pk/dn/thing/downlink/reply/message",
                          "/pk/dn/thing"})
        EXPECT_TRUE(is_platform_topic(t)) << t;
    for (const char* t :
         {"$SYSTEM/x", "$app/x", "/as/mqtt/statusx", "/pk/dn/user/update", "/pk/dn/things",
          "/sys/pk/dn/thing/service/property/set", "/sys/pk/thing/thing/event/property/post_reply",
          "/ext/ntp/thing/x", "pk/dn/thing/x", "/pk/thing", "thing", ""})
        EXPECT_FALSE(is_platform_topic(t)) << t;
}

}  // namespace
}  // namespace ts::app
