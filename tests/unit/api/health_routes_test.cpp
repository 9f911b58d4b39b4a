// /healthz (liveness: 200 while serving, "degraded" with the failing
// writer) and /readyz (readiness: 503 NotReady naming what fails).
#include "api_test_util.hpp"

namespace ts::api::test {
namespace {

class HealthRoutesTest : public ApiTest {
protected:
    Reply get_public(const std::string& path) {
        return client_->request(http::verb::get, path, std::nullopt, std::nullopt);
    }
};

TEST_F(HealthRoutesTest, HealthyPlatform) {
    for (const char* path : {"/healthz", "/api/v1/healthz"}) {
        auto r = get_public(path);
        EXPECT_EQ(r.status, 200u) << path;
        EXPECT_EQ(r.js(), json::parse(R"({"status":"ok","storage":{"status":"ok",
                  "writers":{"brokerState":"ok","thingData":"ok"}}})"))
            << path;
    }
    for (const char* path : {"/readyz", "/api/v1/readyz"}) {
        auto r = get_public(path);
        EXPECT_EQ(r.status, 200u) << path;
        EXPECT_EQ(r.js(), json({{"status", "ready"}})) << path;
    }
}

TEST_F(HealthRoutesTest, FailingStorageIsDegradedAndNotReady) {
    health_.set(HealthReport{{{"brokerState", false}, {"thingData", true}}, false});
    auto r = get_public("/healthz");
    EXPECT_EQ(r.status, 200u);  // alive: a restart would not mend a full disk
    EXPECT_EQ(r.js()["status"], "degraded");
    EXPECT_EQ(r.js()["storage"]["status"], "failing");
    EXPECT_EQ(r.js()["storage"]["writers"]["thingData"], "failing");
    EXPECT_EQ(r.js()["storage"]["writers"]["brokerState"], "ok");

    r = get_public("/readyz");
    EXPECT_EQ(r.status, 503u);
    EXPECT_EQ(r.code(), "NotReady");
    EXPECT_NE(r.message().find("storage.thingData"), std::string::npos);
    EXPECT_EQ(r.js()["failing"], json::array({"storage.thingData"}));

    // It recovers with the next good write.
    health_.set(HealthReport{{{"brokerState", false}, {"thingData", false}}, false});
    EXPECT_EQ(get_public("/readyz").status, 200u);
}

TEST_F(HealthRoutesTest, ShuttingDownIsNotReady) {
    health_.set(HealthReport{{{"brokerState", false}}, true});
    auto r = get_public("/readyz");
    EXPECT_EQ(r.status, 503u);
    EXPECT_EQ(r.js()["failing"], json::array({"shutdown"}));
    EXPECT_EQ(get_public("/healthz").status, 200u);
}

}  // namespace
}  // namespace ts::api::test
