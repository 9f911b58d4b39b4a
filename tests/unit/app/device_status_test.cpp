#include "app/device_status.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

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

// The calendar arithmetic against the C library's, over ten centuries.
TEST(DeviceStatus, TimesReadAsGmtimeReadsThem) {
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<std::int64_t> any_ms(-30'000'000'000'000, 200'000'000'000'000);
    for (int i = 0; i < 5'000; ++i) {
        const std::int64_t ms = i < 4 ? std::int64_t{951'782'400'000} + (i - 2) * 86'400'000
                                      : any_ms(rng);  // around 2000-02-29 first
        const auto j = nlohmann::json::parse(
            DeviceStatusPublisher::status_json("online", "p", "d", ms, ms, "::1"));
        for (const int offset_h : {0, 8}) {
            const std::int64_t shifted = ms + std::int64_t{offset_h} * 3'600'000;
            std::time_t s =
                static_cast<std::time_t>(shifted >= 0 ? shifted / 1000 : (shifted - 999) / 1000);
            std::tm tm{};
            ASSERT_NE(gmtime_r(&s, &tm), nullptr);
            char want[40];
            std::snprintf(want, sizeof want, "%04d-%02d-%02d%c%02d:%02d:%02d.%03d%s",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, offset_h ? ' ' : 'T',
                          tm.tm_hour, tm.tm_min, tm.tm_sec,
                          static_cast<int>((shifted % 1000 + 1000) % 1000), offset_h ? "" : "Z");
            EXPECT_EQ(j[offset_h ? "time" : "utcTime"], want) << ms;
        }
    }
}

}  // namespace
}  // namespace ts::app
