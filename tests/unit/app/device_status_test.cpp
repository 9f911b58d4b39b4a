#include "app/device_status.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ts::app {
namespace {

TEST(DeviceStatus, MessageCarriesBothClocksAndIsTheDocumentsDump) {
    // 2023-11-14T22:13:20.045Z; the previous connect a day and a bit earlier.
    const auto text = DeviceStatusPublisher::status_json(
        "online", "pk1", "dev-1", 1'700'000'000'045, 1'699'900'000'999, "127.0.0.3");
    const nlohmann::json expected = {
        {"status", "online"},
        {"productKey", "pk1"},
        {"deviceName", "dev-1"},
        {"time", "2023-11-15 06:13:20.045"},
        {"utcTime", "2023-11-14T22:13:20.045Z"},
        {"lastTime", "2023-11-14 02:26:40.999"},
        {"utcLastTime", "2023-11-13T18:26:40.999Z"},
        {"clientIp", "127.0.0.3"},
    };
    EXPECT_EQ(text, expected.dump());
}

TEST(DeviceStatus, UnusualNamesAreEscaped) {
    const auto text = DeviceStatusPublisher::status_json("offline", "p", "d\"\\q", 0, 0, "::1");
    const auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j["deviceName"], "d\"\\q");
    EXPECT_EQ(j["utcTime"], "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(j["time"], "1970-01-01 08:00:00.000");
    // A clock before 1970 still gives a valid time of day.
    const auto before = nlohmann::json::parse(
        DeviceStatusPublisher::status_json("online", "p", "d", -1, -1'500, "::1"));
    EXPECT_EQ(before["utcTime"], "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(before["utcLastTime"], "1969-12-31T23:59:58.500Z");
}

}  // namespace
}  // namespace ts::app
