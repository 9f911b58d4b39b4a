// What the thing-model and device-data subcommands send.
#include <gtest/gtest.h>

#include "app/cli/thing_requests.hpp"

namespace ts::app::cli {
namespace {

using nlohmann::json;

TEST(CliThingRequests, ThingModelGetAndSet) {
    auto g = thing_model_get("pk/1");
    EXPECT_EQ(g.method, Method::Get);
    EXPECT_EQ(g.path, "/api/v1/products/pk%2F1/thing-model");
    EXPECT_FALSE(g.body);
    json tsl = {{"properties", json::array({{{"identifier", "temperature"}}})}};
    auto s = thing_model_set("pk", tsl);
    EXPECT_EQ(s.method, Method::Put);
    EXPECT_EQ(s.path, "/api/v1/products/pk/thing-model");
    EXPECT_EQ(*s.body, tsl);  // the document itself, not wrapped
}

TEST(CliThingRequests, LatestPropertiesAndHistory) {
    auto p = device_properties("pk", "d 1");
    EXPECT_EQ(p.method, Method::Get);
    EXPECT_EQ(p.path, "/api/v1/products/pk/devices/d%201/properties");
    EXPECT_FALSE(p.body);

    EXPECT_EQ(device_property_history("pk", "d1", "temperature", {}).path,
              "/api/v1/products/pk/devices/d1/properties/temperature/history");
    TimeRange r;
    r.from = 0;
    r.to = 1700000000000;
    r.paging.page_size = 10;
    r.paging.page_token = "a/b";
    EXPECT_EQ(device_property_history("pk", "d1", "t", r).path,
              "/api/v1/products/pk/devices/d1/properties/t/history"
              "?from=0&to=1700000000000&pageSize=10&pageToken=a%2Fb");
}

TEST(CliThingRequests, EventsFilterByIdentifier) {
    EXPECT_EQ(device_events("pk", "d1", std::nullopt, {}).path,
              "/api/v1/products/pk/devices/d1/events");
    TimeRange r;
    r.paging.page_size = 5;
    EXPECT_EQ(device_events("pk", "d1", std::string("alarm"), r).path,
              "/api/v1/products/pk/devices/d1/events?identifier=alarm&pageSize=5");
}

TEST(CliThingRequests, SetPropertiesWrapsParams) {
    auto r = device_set_properties("pk", "d1", json{{"temperature", 25}});
    EXPECT_EQ(r.method, Method::Post);
    EXPECT_EQ(r.path, "/api/v1/products/pk/devices/d1/properties");
    EXPECT_EQ(*r.body, (json{{"params", {{"temperature", 25}}}}));
}

TEST(CliThingRequests, InvokeSendsOnlyWhatWasGiven) {
    auto bare = device_invoke_service("pk", "d1", "reboot", std::nullopt, std::nullopt);
    EXPECT_EQ(bare.method, Method::Post);
    EXPECT_EQ(bare.path, "/api/v1/products/pk/devices/d1/services/reboot");
    EXPECT_EQ(*bare.body, json::object());
    auto full = device_invoke_service("pk", "d1", "calc", json{{"a", 3}}, 5000);
    EXPECT_EQ(*full.body, (json{{"params", {{"a", 3}}}, {"timeoutMs", 5000}}));
}

TEST(CliThingRequests, ShadowReadAndDesired) {
    auto g = device_shadow_get("pk", "d1");
    EXPECT_EQ(g.method, Method::Get);
    EXPECT_EQ(g.path, "/api/v1/products/pk/devices/d1/shadow");
    EXPECT_FALSE(g.body);
    auto p = device_shadow_update("pk", "d1", json{{"color", "green"}}, std::nullopt);
    EXPECT_EQ(p.method, Method::Put);
    EXPECT_EQ(p.path, "/api/v1/products/pk/devices/d1/shadow");
    EXPECT_EQ(*p.body, (json{{"state", {{"desired", {{"color", "green"}}}}}}));
    auto v = device_shadow_update("pk", "d1", json::object(), 4);
    EXPECT_EQ(*v.body, (json{{"state", {{"desired", json::object()}}}, {"version", 4}}));
}

TEST(CliThingRequests, JsonObjectOptions) {
    auto ok = parse_json_object(R"( {"temperature": 21.5, "mode": {"a": [1]}} )");
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, (json{{"temperature", 21.5}, {"mode", {{"a", json::array({1})}}}}));
    auto bad = parse_json_object(R"({"temperature":)");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().rfind("not valid JSON: parse error at line 1", 0), 0u) << bad.error();
    EXPECT_EQ(bad.error().find("json.exception"), std::string::npos) << bad.error();
    for (const char* not_object : {"25", "[1]", "\"x\"", "null"}) {
        auto r = parse_json_object(not_object);
        ASSERT_FALSE(r) << not_object;
        EXPECT_EQ(r.error(), "must be a JSON object ({...})");
    }
    EXPECT_FALSE(parse_json_object(""));
    // --desired may also be null (clear the desired state).
    auto cleared = parse_json_object("null", /*null_ok=*/true);
    ASSERT_TRUE(cleared);
    EXPECT_TRUE(cleared->is_null());
    EXPECT_EQ(parse_json_object("[1]", true).error(), "must be a JSON object ({...}) or null");
}

}  // namespace
}  // namespace ts::app::cli
