#include "registry/device_topics.hpp"

#include <gtest/gtest.h>

namespace ts::registry {
namespace {

TEST(DeviceTopics, EveryFormOfTheCatalogueNamesItsDevice) {
    for (const char* t : {"/pk1/dev/user/update", "/sys/pk1/dev/thing/event/property/post",
                          "/shadow/update/pk1/dev", "/ota/device/inform/pk1/dev",
                          "/ext/ntp/pk1/dev/request", "pk1/dev"})
        EXPECT_TRUE(topic_names_device(t, "pk1", "dev")) << t;
}

TEST(DeviceTopics, OtherDevicesAndPartialNamesDoNot) {
    for (const char* t : {"/pk1/dev2/user/update", "/pk1/de/user", "/pk2/dev/user", "/dev/pk1/user",
                          "/pk1", "", "/sys/pk1"})
        EXPECT_FALSE(topic_names_device(t, "pk1", "dev")) << t;
    EXPECT_FALSE(topic_names_device("/pk1/dev", "", ""));
}

}  // namespace
}  // namespace ts::registry
