// The API over the real SQLite registry: the fake's behaviour is what the
// other tests rely on, this checks that the real one agrees on the paths
// that matter (codes, statuses, paging tokens, enum spellings).
#include <cstdlib>
#include <filesystem>

#include "api_test_util.hpp"
#include "core/clock.hpp"

namespace ts::api::test {
namespace {

class SqliteRegistryApi : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/ts-api-test-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        auto reg =
            registry::open_sqlite_registry(dir_ + "/registry.db", std::string(32, 'k'), clock_);
        ASSERT_TRUE(reg.has_value()) << reg.error().message;
        registry_ = std::move(*reg);
        ApiOptions opts;
        opts.bind = "127.0.0.1";
        opts.port = 0;
        opts.admin_token = kToken;
        auto s = ApiServer::start(opts, *registry_, publisher_, metrics_, health_);
        ASSERT_TRUE(s.has_value()) << s.error().message;
        server_ = std::move(*s);
        client_ = std::make_unique<Client>(server_->port());
    }
    void TearDown() override {
        client_.reset();
        server_.reset();
        registry_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    Reply call(http::verb v, const std::string& path, std::optional<json> body = std::nullopt) {
        return client_->request(v, "/api/v1" + path,
                                body ? std::optional<std::string>(body->dump()) : std::nullopt);
    }

    std::string dir_;
    SystemClock clock_;
    std::unique_ptr<registry::Registry> registry_;
    RecordingPublisher publisher_;
    FixedMetrics metrics_;
    SettableHealth health_;
    std::unique_ptr<ApiServer> server_;
    std::unique_ptr<Client> client_;
};

TEST_F(SqliteRegistryApi, ProductDeviceTopicClassRoundTrip) {
    auto r = call(http::verb::post, "/products", json{{"name", "lamp"}, {"nodeType", "gateway"}});
    ASSERT_EQ(r.status, 201u) << r.body;
    std::string pk = r.js()["productKey"];
    EXPECT_EQ(r.js()["nodeType"], "gateway");
    // Product names are unique, as in Alibaba's console.
    r = call(http::verb::post, "/products", json{{"name", "lamp"}});
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(r.js()["code"], "ProductAlreadyExists");

    std::string devs = "/products/" + pk + "/devices";
    r = call(http::verb::post, devs + ":batch", json{{"deviceNames", {"dev1", "dev2", "dev3"}}});
    ASSERT_EQ(r.status, 201u) << r.body;
    r = call(http::verb::post, devs, json{{"deviceName", "dev1"}});
    EXPECT_EQ(r.code(), "DeviceAlreadyExists");
    r = call(http::verb::get, devs + "/dev2");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["status"], "inactive");
    EXPECT_EQ(r.js()["deviceSecret"].get<std::string>().size(), 32u);

    r = call(http::verb::get, devs + "?pageSize=2");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["items"].size(), 2u);
    std::string token = r.js()["nextPageToken"];
    ASSERT_FALSE(token.empty());
    r = call(http::verb::get, devs + "?pageSize=2&pageToken=" + token);
    EXPECT_EQ(r.js()["items"].size(), 1u);
    EXPECT_EQ(r.js()["nextPageToken"], "");

    r = call(http::verb::post, devs + "/dev1:disable");
    EXPECT_EQ(r.js()["status"], "disabled");
    EXPECT_EQ(call(http::verb::get, devs + "?status=disabled").js()["items"].size(), 1u);

    r = call(http::verb::get, "/products/" + pk + "/topic-classes");
    ASSERT_EQ(r.status, 200u) << r.body;
    const json classes = r.js();
    for (const auto& t : classes["items"]) {
        std::string perm = t["permission"];
        EXPECT_TRUE(perm == "pub" || perm == "sub" || perm == "all") << perm;
    }
    std::string topic = "/" + pk + "/${deviceName}/user/extra";
    r = call(http::verb::post, "/products/" + pk + "/topic-classes",
             json{{"topic", topic}, {"permission", "all"}});
    EXPECT_EQ(r.status, 201u) << r.body;

    EXPECT_EQ(call(http::verb::delete_, "/products/" + pk).code(), "ProductHasDevices");
    EXPECT_EQ(call(http::verb::get, "/products/nope0000000").code(), "ProductNotFound");
    EXPECT_EQ(call(http::verb::get, devs + "/nobody").code(), "DeviceNotFound");
}

TEST_F(SqliteRegistryApi, ValidationModeRoundTrip) {
    auto r = call(http::verb::post, "/products", json{{"name", "meter"}});
    ASSERT_EQ(r.status, 201u) << r.body;
    std::string pk = r.js()["productKey"];
    EXPECT_EQ(r.js()["validationMode"], "strict");
    r = call(http::verb::patch, "/products/" + pk, json{{"validationMode", "off"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["validationMode"], "off");
    EXPECT_EQ(call(http::verb::get, "/products/" + pk).js()["validationMode"], "off");
    ASSERT_NE(registry_->find_product(pk), nullptr);
    EXPECT_EQ(registry_->find_product(pk)->validation_mode, registry::ValidationMode::Off);
}

}  // namespace
}  // namespace ts::api::test
