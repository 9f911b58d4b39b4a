#include "registry/topic_acl.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ts::registry {
namespace {

constexpr const char* kPk = "a1Pk0000001";
constexpr const char* kDn = "dev01";

const std::vector<TopicClass> kClasses = {
    {kPk, "/a1Pk0000001/${deviceName}/user/update", TopicPermission::Publish, "", 0},
    {kPk, "/a1Pk0000001/${deviceName}/user/update/error", TopicPermission::Publish, "", 0},
    {kPk, "/a1Pk0000001/${deviceName}/user/get", TopicPermission::Subscribe, "", 0},
    {kPk, "/a1Pk0000001/${deviceName}/user/both", TopicPermission::All, "", 0},
    {kPk, "/a1Pk0000001/${deviceName}/user/cmd/+/in", TopicPermission::Subscribe, "", 0},
    {kPk, "/a1Pk0000001/${deviceName}/user/feed/#", TopicPermission::Subscribe, "", 0},
};

struct Case {
    Action action;
    std::string topic;
    bool allowed;
};

constexpr Action P = Action::Publish;
constexpr Action S = Action::Subscribe;

const std::vector<Case> kCases = {
    // /sys: own device, both directions, any depth; wildcards below dn.
    {P, "/sys/a1Pk0000001/dev01/thing/event/property/post", true},
    {S, "/sys/a1Pk0000001/dev01/thing/service/property/set", true},
    {S, "/sys/a1Pk0000001/dev01/#", true},
    {S, "/sys/a1Pk0000001/dev01/thing/event/+/post_reply", true},
    {S, "/sys/a1Pk0000001/dev01/rrpc/request/+", true},
    {P, "/sys/a1Pk0000001/dev02/thing/event/property/post", false},
    {P, "/sys/a1Other0001/dev01/thing/event/property/post", false},
    {S, "/sys/a1Pk0000001/+/thing/service/property/set", false},
    {S, "/sys/+/+/thing/#", false},
    {S, "/sys/a1Pk0000001/#", false},
    {S, "/sys/#", false},
    {P, "/sys/a1Pk0000001/dev01", false},
    {P, "/sys/a1Pk0000001/dev01/", false},
    {P, "/sys/a1Pk0000001/dev01/thing/+", false},
    {S, "#", false},
    {S, "/#", false},
    {S, "+/#", false},
    {P, "sys/a1Pk0000001/dev01/thing/x", false},
    {P, "", false},
    {P, "/", false},
    // /ext/{kind}/{pk}/{dn}/...
    {P, "/ext/ntp/a1Pk0000001/dev01/request", true},
    {S, "/ext/ntp/a1Pk0000001/dev01/response", true},
    {P, "/ext/session/a1Pk0000001/dev01/combine/login", true},
    {S, "/ext/session/a1Pk0000001/dev01/combine/+", true},
    {S, "/ext/error/a1Pk0000001/dev01", true},
    {S, "/ext/error/a1Pk0000001/dev02", false},
    {P, "/ext/ntp/a1Other0001/dev01/request", false},
    {S, "/ext/+/a1Pk0000001/dev01/#", false},
    {S, "/ext/#", false},
    {S, "/ext/ntp/a1Pk0000001/+/response", false},
    {P, "/ext/ntp", false},
    // /ext/rrpc/{msgId}/{full topic}
    {S, "/ext/rrpc/+/sys/a1Pk0000001/dev01/thing/service/+", true},
    {P, "/ext/rrpc/123/sys/a1Pk0000001/dev01/thing/service/reboot", true},
    {P, "/ext/rrpc/123/a1Pk0000001/dev01/user/update", true},
    {S, "/ext/rrpc/+/a1Pk0000001/dev01/user/get", true},
    {P, "/ext/rrpc/123/a1Pk0000001/dev01/user/unknown", false},
    {P, "/ext/rrpc/123/sys/a1Pk0000001/dev02/thing/service/reboot", false},
    {S, "/ext/rrpc/#", false},
    {S, "/ext/rrpc/+/sys/+/+/thing/service/+", false},
    {P, "/ext/rrpc/a1Pk0000001/dev01/x", false},
    {P, "/ext/rrpc//sys/a1Pk0000001/dev01/thing/x", false},
    // /shadow: update is publish only, get subscribe only.
    {P, "/shadow/update/a1Pk0000001/dev01", true},
    {S, "/shadow/update/a1Pk0000001/dev01", false},
    {S, "/shadow/get/a1Pk0000001/dev01", true},
    {P, "/shadow/get/a1Pk0000001/dev01", false},
    {P, "/shadow/update/a1Pk0000001/dev02", false},
    {P, "/shadow/update/a1Pk0000001/dev01/x", false},
    {S, "/shadow/get/+/+", false},
    // /ota/device/...
    {P, "/ota/device/inform/a1Pk0000001/dev01", true},
    {P, "/ota/device/progress/a1Pk0000001/dev01", true},
    {S, "/ota/device/upgrade/a1Pk0000001/dev01", true},
    {S, "/ota/device/request/a1Pk0000001/dev01", true},
    {P, "/ota/device/request/a1Pk0000001/dev01", true},
    {P, "/ota/device/upgrade/a1Pk0000001/dev01", false},
    {S, "/ota/device/inform/a1Pk0000001/dev01", false},
    {P, "/ota/device/inform/a1Pk0000001/other", false},
    {P, "/ota/device/unknown/a1Pk0000001/dev01", false},
    {S, "/ota/device/upgrade/+/+", false},
    // Custom topics per class permission.
    {P, "/a1Pk0000001/dev01/user/update", true},
    {S, "/a1Pk0000001/dev01/user/update", false},
    {P, "/a1Pk0000001/dev01/user/update/error", true},
    {S, "/a1Pk0000001/dev01/user/get", true},
    {P, "/a1Pk0000001/dev01/user/get", false},
    {P, "/a1Pk0000001/dev01/user/both", true},
    {S, "/a1Pk0000001/dev01/user/both", true},
    {P, "/a1Pk0000001/dev01/user/nothing", false},
    {P, "/a1Pk0000001/dev02/user/update", false},
    {P, "/a1Other0001/dev01/user/update", false},
    {P, "/a1Pk0000001/dev01/other/update", false},
    {P, "/a1Pk0000001/dev01/user", false},
    // Custom wildcard classes and filters.
    {S, "/a1Pk0000001/dev01/user/cmd/7/in", true},
    {S, "/a1Pk0000001/dev01/user/cmd/+/in", true},
    {S, "/a1Pk0000001/dev01/user/cmd/#", false},
    {S, "/a1Pk0000001/dev01/user/cmd/7/out", false},
    {S, "/a1Pk0000001/dev01/user/feed", true},
    {S, "/a1Pk0000001/dev01/user/feed/a/b/c", true},
    {S, "/a1Pk0000001/dev01/user/feed/#", true},
    {S, "/a1Pk0000001/dev01/user/feed/+/x", true},
    {S, "/a1Pk0000001/dev01/user/#", false},
    {S, "/a1Pk0000001/dev01/user/+", false},
    {S, "/a1Pk0000001/dev01/#", false},
    {S, "/a1Pk0000001/+/user/get", false},
    // Anything else.
    {P, "/other/a1Pk0000001/dev01", false},
    {P, "$SYS/broker/uptime", false},
};

TEST(TopicAcl, Table) {
    for (const auto& c : kCases) {
        EXPECT_EQ(device_may(c.action, kPk, kDn, c.topic, kClasses), c.allowed)
            << (c.action == P ? "publish " : "subscribe ") << c.topic;
    }
}

TEST(TopicAcl, ClassesOfAnotherProductDoNotApply) {
    const std::vector<TopicClass> foreign = {
        {"a1Other0001", "/a1Other0001/${deviceName}/user/update", TopicPermission::All, "", 0}};
    EXPECT_FALSE(device_may(P, kPk, kDn, "/a1Pk0000001/dev01/user/update", foreign));
    EXPECT_FALSE(device_may(P, kPk, kDn, "/a1Pk0000001/dev01/user/update", {}));
}

TEST(TopicAcl, SystemDownlinks) {
    EXPECT_TRUE(is_system_downlink(kPk, kDn, "/sys/a1Pk0000001/dev01/thing/service/property/set"));
    EXPECT_TRUE(is_system_downlink(kPk, kDn, "/sys/a1Pk0000001/dev01/rrpc/request/1"));
    EXPECT_TRUE(is_system_downlink(kPk, kDn, "/ext/ntp/a1Pk0000001/dev01/response"));
    EXPECT_TRUE(is_system_downlink(kPk, kDn, "/ext/error/a1Pk0000001/dev01"));
    EXPECT_TRUE(
        is_system_downlink(kPk, kDn, "/ext/rrpc/42/sys/a1Pk0000001/dev01/thing/service/reboot"));
    EXPECT_TRUE(is_system_downlink(kPk, kDn, "/ota/device/upgrade/a1Pk0000001/dev01"));
    EXPECT_TRUE(is_system_downlink(kPk, kDn, "/shadow/get/a1Pk0000001/dev01"));

    EXPECT_FALSE(is_system_downlink(kPk, kDn, "/sys/a1Pk0000001/dev02/thing/service/property/set"));
    EXPECT_FALSE(is_system_downlink(kPk, kDn, "/sys/a1Pk0000001/dev01"));
    EXPECT_FALSE(is_system_downlink(kPk, kDn, "/shadow/update/a1Pk0000001/dev01"));
    EXPECT_FALSE(is_system_downlink(kPk, kDn, "/ota/device/inform/a1Pk0000001/dev01"));
    EXPECT_FALSE(is_system_downlink(kPk, kDn, "/a1Pk0000001/dev01/user/get"));
    EXPECT_FALSE(is_system_downlink(kPk, kDn, "/ext/rrpc/42/sys/a1Pk0000001/dev02/thing/x"));
    EXPECT_FALSE(is_system_downlink(kPk, kDn, "/sys/a1Pk0000001/dev01/#"));
}

}  // namespace
}  // namespace ts::registry
