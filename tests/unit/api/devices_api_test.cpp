// /products/{pk}/devices over a real socket.
#include "api_test_util.hpp"

namespace ts::api::test {
namespace {

class DevicesApi : public ApiTest {
protected:
    void SetUp() override {
        ApiTest::SetUp();
        pk = make_product();
        base = "/products/" + pk + "/devices";
    }
    std::string pk;
    std::string base;
};

TEST_F(DevicesApi, RegisterOne) {
    auto r = post(base, {{"deviceName", "dev1"}});
    ASSERT_EQ(r.status, 201u) << r.body;
    auto j = r.js();
    EXPECT_EQ(j["productKey"], pk);
    EXPECT_EQ(j["deviceName"], "dev1");
    EXPECT_FALSE(j["deviceSecret"].get<std::string>().empty());
    EXPECT_EQ(j["status"], "inactive");
    EXPECT_EQ(j["enabled"], true);
    EXPECT_TRUE(j["createdTime"].is_number_integer());
    EXPECT_EQ(j["tags"], json::object());

    // A name is generated when absent, also with no body at all.
    r = post(base, json::object());
    ASSERT_EQ(r.status, 201u);
    EXPECT_FALSE(r.js()["deviceName"].get<std::string>().empty());
    r = post_raw(base, std::nullopt);
    EXPECT_EQ(r.status, 201u) << r.body;
}

TEST_F(DevicesApi, RegisterErrors) {
    post(base, {{"deviceName", "dev1"}});
    auto r = post(base, {{"deviceName", "dev1"}});
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(r.code(), "DeviceAlreadyExists");
    r = post(base, {{"deviceName", "a b"}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.message().rfind("deviceName: ", 0), 0u) << r.message();
    r = post(base, {{"deviceName", 7}});
    EXPECT_EQ(r.message(), "deviceName: must be a string");
    r = post(base, {{"name", "dev2"}});
    EXPECT_EQ(r.code(), "UnknownField");
    r = post("/products/nope/devices", {{"deviceName", "dev1"}});
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "ProductNotFound");
}

TEST_F(DevicesApi, Batch) {
    auto r = post(base + ":batch", {{"deviceNames", {"b001", "b002", "b003"}}});
    ASSERT_EQ(r.status, 201u) << r.body;
    auto items = r.js()["items"];
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[1]["deviceName"], "b002");
    EXPECT_TRUE(items[1].contains("deviceSecret"));

    r = post(base + ":batch", {{"count", 4}});
    ASSERT_EQ(r.status, 201u) << r.body;
    EXPECT_EQ(r.js()["items"].size(), 4u);

    r = post(base + ":batch", {{"deviceNames", {"b001", "b009"}}});
    EXPECT_EQ(r.code(), "DeviceAlreadyExists");
    EXPECT_EQ(get(base + "/b009").status, 404u);  // all or nothing

    r = post(base + ":batch", json::object());
    EXPECT_EQ(r.message(), "deviceNames: give either deviceNames or count");
    r = post(base + ":batch", {{"count", 2}, {"deviceNames", {"x001"}}});
    EXPECT_EQ(r.message(), "deviceNames: give either deviceNames or count");
    r = post(base + ":batch", {{"count", 0}});
    EXPECT_EQ(r.message().rfind("count: ", 0), 0u);
    r = post(base + ":batch", {{"count", "3"}});
    EXPECT_EQ(r.message().rfind("count: ", 0), 0u);
    r = post(base + ":batch", {{"deviceNames", {"ok01", 5}}});
    EXPECT_EQ(r.message(), "deviceNames: must be an array of strings");
    r = post(base + ":batch", {{"count", 5000}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "LimitExceeded");
}

TEST_F(DevicesApi, GetShowsEveryField) {
    post(base, {{"deviceName", "dev1"}});
    registry_.set_online(pk, "dev1", "10.0.0.7");
    auto r = get(base + "/dev1");
    ASSERT_EQ(r.status, 200u);
    auto j = r.js();
    for (const char* f : {"productKey", "deviceName", "deviceSecret", "status", "enabled",
                          "createdTime", "firstOnlineTime", "lastOnlineTime", "ipAddress",
                          "firmwareVersion", "firmwareVersions", "tags"})
        EXPECT_TRUE(j.contains(f)) << f;
    EXPECT_EQ(j["status"], "online");
    EXPECT_EQ(j["ipAddress"], "10.0.0.7");
    EXPECT_EQ(j["lastOnlineTime"], 1234);

    r = get(base + "/nope");
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "DeviceNotFound");
}

TEST_F(DevicesApi, NamesWithColonsAndEscapes) {
    ASSERT_EQ(post(base, {{"deviceName", "a:b@c"}}).status, 201u);
    EXPECT_EQ(get(base + "/a:b@c").js()["deviceName"], "a:b@c");
    EXPECT_EQ(get(base + "/a%3Ab%40c").js()["deviceName"], "a:b@c");
    auto r = client_->request(http::verb::post, api(base + "/a:b@c:disable"));
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["deviceName"], "a:b@c");
    EXPECT_EQ(r.js()["status"], "disabled");
}

TEST_F(DevicesApi, DisableEnableRotate) {
    auto secret = post(base, {{"deviceName", "dev1"}}).js()["deviceSecret"].get<std::string>();
    auto r = post(base + "/dev1:disable", json::object());
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["status"], "disabled");
    EXPECT_EQ(r.js()["enabled"], false);
    r = client_->request(http::verb::post, api(base + "/dev1:enable"));  // no body
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["status"], "inactive");
    EXPECT_EQ(r.js()["enabled"], true);

    r = post(base + "/dev1:rotateSecret", json::object());
    ASSERT_EQ(r.status, 200u);
    auto fresh = r.js()["deviceSecret"].get<std::string>();
    EXPECT_NE(fresh, secret);
    EXPECT_EQ(get(base + "/dev1").js()["deviceSecret"], fresh);

    EXPECT_EQ(post(base + "/dev1:disable", {{"reason", "x"}}).code(), "UnknownField");
    EXPECT_EQ(post(base + "/nope:disable", json::object()).code(), "DeviceNotFound");
    r = post(base + "/dev1:explode", json::object());
    EXPECT_EQ(r.status, 405u);  // the path names a device, which takes GET and DELETE
    EXPECT_EQ(r.code(), "MethodNotAllowed");
}

TEST_F(DevicesApi, Tags) {
    post(base, {{"deviceName", "dev1"}});
    auto r = put(base + "/dev1/tags", {{"tags", {{"room", "kitchen"}, {"floor", "2"}}}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["tags"]["room"], "kitchen");
    EXPECT_EQ(get(base + "/dev1").js()["tags"].size(), 2u);

    EXPECT_EQ(put(base + "/dev1/tags", {{"tags", {{"n", 1}}}}).message(),
              "tags.n: must be a string");
    EXPECT_EQ(put(base + "/dev1/tags", json::object()).message(), "tags: required");
    EXPECT_EQ(put(base + "/dev1/tags", {{"tags", "x"}}).message(),
              "tags: must be an object of strings");
    EXPECT_EQ(put(base + "/nope/tags", {{"tags", json::object()}}).code(), "DeviceNotFound");
}

TEST_F(DevicesApi, ListWithFiltersAndPages) {
    post(base + ":batch", {{"deviceNames", {"lamp01", "lamp02", "lamp03", "fan001"}}});
    put(base + "/lamp02/tags", {{"tags", {{"room", "hall"}}}});
    post(base + "/lamp03:disable", json::object());

    auto r = get(base);
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.js()["items"].size(), 4u);
    EXPECT_EQ(r.js()["nextPageToken"], "");
    EXPECT_FALSE(r.js()["items"][0].contains("deviceSecret"));

    EXPECT_EQ(get(base + "?name=lamp").js()["items"].size(), 3u);
    EXPECT_EQ(get(base + "?status=disabled").js()["items"][0]["deviceName"], "lamp03");
    EXPECT_EQ(get(base + "?tag=room").js()["items"].size(), 1u);
    EXPECT_EQ(get(base + "?tag=room:hall").js()["items"].size(), 1u);
    EXPECT_EQ(get(base + "?tag=room%3Akitchen").js()["items"].size(), 0u);
    auto f = registry_.last_filter();
    ASSERT_TRUE(f.tag);
    EXPECT_EQ(f.tag->first, "room");
    EXPECT_EQ(f.tag->second, "kitchen");

    r = get(base + "?pageSize=3");
    EXPECT_EQ(r.js()["items"].size(), 3u);
    auto token = r.js()["nextPageToken"].get<std::string>();
    ASSERT_FALSE(token.empty());
    r = get(base + "?pageSize=3&pageToken=" + token);
    EXPECT_EQ(r.js()["items"].size(), 1u);
    EXPECT_EQ(r.js()["nextPageToken"], "");

    EXPECT_EQ(get(base + "?status=sleeping").message(),
              "status: must be \"inactive\", \"online\", \"offline\" or \"disabled\"");
    EXPECT_EQ(get(base + "?tag=:x").message(), "tag: must be \"key\" or \"key:value\"");
    EXPECT_EQ(get(base + "?colour=red").code(), "UnknownField");
    EXPECT_EQ(get("/products/nope/devices").code(), "ProductNotFound");
}

TEST_F(DevicesApi, Delete) {
    post(base, {{"deviceName", "dev1"}});
    auto r = del(base + "/dev1");
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(get(base + "/dev1").code(), "DeviceNotFound");
    EXPECT_EQ(del(base + "/dev1").code(), "DeviceNotFound");
}

}  // namespace
}  // namespace ts::api::test
