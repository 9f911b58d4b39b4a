// The HTTP side of ApiServer: auth, public routes, limits, timeouts,
// keep-alive, 404/405/415/413, and the OpenAPI document.
#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>

#include "../support/temp_dir.hpp"
#include "api/routes.hpp"
#include "api_test_util.hpp"
#include "rules/engine.hpp"
#include "rules/rule_manager.hpp"
#include "store/rule_store.hpp"
#include "store/thing_data.hpp"
#include "thing/thing_service.hpp"
#include "thing_test_util.hpp"

namespace ts::api::test {
namespace {

// For the rule routes of the OpenAPI check: no rule runs there.
class NoRuleHost final : public rules::RuleHost {
public:
    std::unique_ptr<Subscription> subscribe(const std::string&,
                                            std::function<void(const Routed&)>) override {
        return nullptr;
    }
};

using ServerTest = ApiTest;

TEST_F(ServerTest, MissingOrWrongTokenIs401) {
    auto r = client_->request(http::verb::get, api("/products"), std::nullopt, std::nullopt);
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.code(), "Unauthenticated");
    EXPECT_NE(r.message().find("missing"), std::string::npos);
    EXPECT_EQ(r.header(http::field::www_authenticate), "Bearer realm=\"thingstead\"");

    r = client_->request(http::verb::get, api("/products"), std::nullopt, std::string("wrong"));
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.code(), "Unauthenticated");
    EXPECT_NE(r.message().find("invalid"), std::string::npos);

    // Writes are refused before they reach the registry, and before their
    // body is read: the connection closes after the 401.
    r = client_->request(http::verb::post, api("/products"), R"({"name":"x"})", std::nullopt);
    EXPECT_EQ(r.status, 401u);
    EXPECT_TRUE(client_->closed_by_server());
    client_ = std::make_unique<Client>(server_->port());
    EXPECT_EQ(get("/products").js()["items"].size(), 0u);

    // Unknown paths under /api/ do not reveal themselves without a token.
    r = client_->request(http::verb::get, api("/nothing"), std::nullopt, std::nullopt);
    EXPECT_EQ(r.status, 401u);
}

TEST_F(ServerTest, PublicRoutes) {
    for (const char* path : {"/healthz", "/api/v1/healthz"}) {
        auto r = client_->request(http::verb::get, path, std::nullopt, std::nullopt);
        EXPECT_EQ(r.status, 200u) << path;
        EXPECT_EQ(r.js()["status"], "ok");
    }
    auto r = client_->request(http::verb::get, "/metrics", std::nullopt, std::nullopt);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.header(http::field::content_type), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(r.body.find("thingstead_connections 3"), std::string::npos);
}

TEST_F(ServerTest, NotFoundAndMethodNotAllowed) {
    auto r = get("/nothing");
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "NotFound");
    r = client_->request(http::verb::get, "/elsewhere", std::nullopt, std::nullopt);
    EXPECT_EQ(r.status, 404u);
    r = client_->request(http::verb::put, api("/products"), "{}");
    EXPECT_EQ(r.status, 405u);
    EXPECT_EQ(r.code(), "MethodNotAllowed");
    EXPECT_EQ(r.header(http::field::allow), "POST, GET");
    r = get("/products/bad%zz");
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.message(), "path: invalid percent-encoding");
    r = get("/products?pageToken=%zz");
    EXPECT_EQ(r.message(), "query: invalid percent-encoding");
}

TEST_F(ServerTest, BodyWithoutJsonContentTypeIs415) {
    auto r = client_->request(http::verb::post, api("/products"), R"({"name":"x"})",
                              std::string(kToken), "text/plain");
    EXPECT_EQ(r.status, 415u);
    EXPECT_EQ(r.code(), "UnsupportedMediaType");
    r = client_->request(http::verb::post, api("/products"), R"({"name":"x"})", std::string(kToken),
                         "Application/JSON; charset=UTF-8");
    EXPECT_EQ(r.status, 201u);
}

TEST_F(ServerTest, RepliesAreJsonAndNotCached) {
    auto r = get("/products");
    EXPECT_EQ(r.header(http::field::content_type), "application/json; charset=utf-8");
    EXPECT_EQ(r.header(http::field::cache_control), "no-store");
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
    for (int i = 0; i < 20; ++i) EXPECT_EQ(get("/products").status, 200u);
    // Pipelined: both requests in one write, both answered in order.
    std::string two =
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET /api/v1/products/none HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
        std::string(kToken) + "\r\n\r\n";
    client_->write_raw(two);
    EXPECT_EQ(client_->read_reply().status, 200u);
    EXPECT_EQ(client_->read_reply().status, 404u);
}

TEST_F(ServerTest, OversizeBodyIs413) {
    std::string big = R"({"name":")" + std::string(1024 * 1024, 'a') + R"("})";
    auto r = post_raw("/products", big);
    EXPECT_EQ(r.status, 413u);
    EXPECT_EQ(r.code(), "PayloadTooLarge");
    EXPECT_TRUE(client_->closed_by_server());

    // Chunked, so the size is only known while reading.
    Client c(server_->port());
    std::string chunk(512 * 1024, 'b');
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    std::string req = "POST /api/v1/products HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                      std::string(kToken) +
                      "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) req += size_line + chunk + "\r\n";
    req += "0\r\n\r\n";
    c.write_raw(req);
    r = c.read_reply();
    EXPECT_EQ(r.status, 413u);
    EXPECT_EQ(r.code(), "PayloadTooLarge");

    // Just under the limit is fine (and reaches the registry's validation).
    Client ok(server_->port());
    std::string fits = R"({"name":")" + std::string(1024 * 1024 - 20, 'a') + R"("})";
    r = ok.request(http::verb::post, api("/products"), fits);
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "InvalidArgument");
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimReply) {
    std::string body = R"({"name":"lamp"})";
    std::string head = "POST /api/v1/products HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                       std::string(kToken) +
                       "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                       "Content-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n";
    client_->write_raw(head);
    char buf[25] = {};
    boost::asio::read(client_->socket(), boost::asio::buffer(buf, 25));
    EXPECT_EQ(std::string(buf, 25), "HTTP/1.1 100 Continue\r\n\r\n");
    client_->write_raw(body);
    EXPECT_EQ(client_->read_reply().status, 201u);
}

TEST_F(ServerTest, MalformedHttpIs400AndClosed) {
    client_->write_raw("GARBAGE\r\n\r\n");
    auto r = client_->read_reply();
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "MalformedRequest");
    EXPECT_TRUE(client_->closed_by_server());

    Client c(server_->port());
    c.write_raw("GET /healthz HTTP/1.1\r\nX-Big: " + std::string(20000, 'x') + "\r\n\r\n");
    r = c.read_reply();
    EXPECT_EQ(r.status, 431u);
    EXPECT_EQ(r.code(), "HeadersTooLarge");
}

TEST_F(ServerTest, SlowClientsAreClosed) {
    ApiOptions opts;
    opts.header_timeout = std::chrono::milliseconds(200);
    opts.body_timeout = std::chrono::milliseconds(200);
    start_server(opts);

    // Headers that never finish.
    client_->write_raw("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(client_->closed_by_server());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));

    // A body that never finishes (with the token: without one the head
    // alone is refused, auth_before_body_test.cpp).
    Client c(server_->port());
    c.write_raw("POST /api/v1/products HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                std::string(kToken) +
                "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na");
    EXPECT_TRUE(c.closed_by_server());

    // An idle keep-alive connection.
    Client idle(server_->port());
    EXPECT_EQ(idle.request(http::verb::get, "/healthz").status, 200u);
    EXPECT_TRUE(idle.closed_by_server());
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
    http::request<http::string_body> req{http::verb::get, "/healthz", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::connection, "close");
    http::write(client_->socket(), req);
    EXPECT_EQ(client_->read_reply().status, 200u);
    EXPECT_TRUE(client_->closed_by_server());
}

TEST(ApiServerStart, RefusesBadOptions) {
    FakeRegistry reg;
    RecordingPublisher pub;
    FixedMetrics met;
    SettableHealth health;
    ApiOptions opts;
    opts.bind = "127.0.0.1";
    opts.port = 0;
    auto s = ApiServer::start(opts, reg, pub, met, health);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, static_cast<int>(ErrorCode::InvalidOptions));

    opts.admin_token = "t";
    opts.bind = "not-an-ip";
    s = ApiServer::start(opts, reg, pub, met, health);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, static_cast<int>(ErrorCode::InvalidAddress));

    opts.bind = "127.0.0.1";
    auto first = ApiServer::start(opts, reg, pub, met, health);
    ASSERT_TRUE(first);
    opts.port = (*first)->port();
    s = ApiServer::start(opts, reg, pub, met, health);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, static_cast<int>(ErrorCode::BindFailed));
    (*first)->stop();
    (*first)->stop();  // idempotent
}

TEST(ApiServerStart, ExtraRoutesAndHandlerExceptions) {
    Router router;
    router.add(
        http::verb::get, "/console/{file=**}",
        [](const Request& r) { return Response::text(200, "text/plain", r.param("file")); },
        Access::Public);
    router.add(http::verb::get, "/api/v1/boom",
               [](const Request&) -> Response { throw std::runtime_error("boom"); });
    ApiOptions opts;
    opts.bind = "127.0.0.1";
    opts.port = 0;
    opts.admin_token = kToken;
    opts.threads = 2;
    auto s = ApiServer::start(opts, std::move(router));
    ASSERT_TRUE(s) << s.error().message;
    Client c((*s)->port());
    auto r = c.request(http::verb::get, "/console/js/app.js", std::nullopt, std::nullopt);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, "js/app.js");
    r = c.request(http::verb::get, "/api/v1/boom");
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(r.code(), "InternalError");
    EXPECT_EQ(c.request(http::verb::get, "/console/x").status, 200u);  // still serving
}

TEST_F(ServerTest, ConcurrentClients) {
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            Client c(server_->port());
            for (int i = 0; i < 10; ++i) {
                auto r = c.request(
                    http::verb::post, api("/products"),
                    json({{"name", "p" + std::to_string(t) + "-" + std::to_string(i)}}).dump());
                if (r.status == 201) ++ok;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 40);
}

TEST_F(ServerTest, OpenApiListsEveryRoute) {
    auto r = client_->request(http::verb::get, api("/openapi.json"), std::nullopt, std::nullopt);
    ASSERT_EQ(r.status, 200u);
    json doc = json::parse(r.body);  // valid JSON
    EXPECT_EQ(doc["openapi"], "3.0.3");
    EXPECT_EQ(doc["servers"][0]["url"], "/api/v1");
    const json& paths = doc["paths"];

    // Every route the server has is documented...
    Router router;
    FakeRegistry reg;
    RecordingPublisher pub;
    FixedMetrics met;
    SettableHealth health;
    add_api_routes(router, Services{reg, pub, met, health});
    // ...with the thing routes app/ adds beside them...
    ts::test::TempDir dir;
    auto thing_data = store::open_sqlite_thing_data(dir.file("thing.db"));
    ASSERT_TRUE(thing_data.has_value()) << thing_data.error().message;
    RecordingLink link;
    SystemClock clock;
    thing::ThingService thing(reg, **thing_data, link, clock);
    add_thing_routes(router, thing);
    // ...and the rule routes.
    auto rule_store = store::open_sqlite_rule_store(":memory:");
    ASSERT_TRUE(rule_store.has_value()) << rule_store.error().message;
    NoRuleHost rule_host;
    rules::RuleEngine engine(rule_host, rules::TargetEnv{});
    rules::RuleManager rule_manager(**rule_store, engine);
    add_rule_routes(router, rule_manager);
    // ...and the live views.
    struct NoFeed final : DeviceFeed {
        std::unique_ptr<Subscription> subscribe(const std::vector<std::string>&,
                                                Listener) override {
            return nullptr;
        }
    } feed;
    struct NoOverview final : OverviewSource {
        nlohmann::json overview() override { return nlohmann::json::object(); }
    } overview;
    add_live_routes(router, feed, overview);
    std::size_t documented = 0;
    for (const auto& route : router.routes()) {
        std::string path = route.pattern;
        // The same operations as /api/v1/healthz and /api/v1/readyz.
        if (path == "/healthz" || path == "/readyz") continue;
        if (path.rfind("/api/v1", 0) == 0) path = path.substr(7);
        std::string method(http::to_string(route.method));
        std::transform(method.begin(), method.end(), method.begin(), ::tolower);
        ASSERT_TRUE(paths.contains(path)) << path;
        ASSERT_TRUE(paths[path].contains(method)) << method << " " << path;
        const json& op = paths[path][method];
        EXPECT_TRUE(op.contains("operationId")) << path;
        EXPECT_TRUE(op["responses"].is_object()) << path;
        if (route.access == Access::Public) {
            EXPECT_EQ(op["security"], json::array()) << path;
        }
        // Every path parameter is declared.
        for (auto open = path.find('{'); open != std::string::npos; open = path.find('{', open)) {
            auto close = path.find('}', open);
            std::string p = path.substr(open + 1, close - open - 1);
            open = close;
            bool found = false;
            for (const auto& param : op["parameters"])
                found = found || (param["name"] == p && param["in"] == "path");
            EXPECT_TRUE(found) << p << " in " << method << " " << path;
        }
        ++documented;
    }
    // ...and nothing else is.
    std::size_t operations = 0;
    for (const auto& [path, item] : paths.items())
        for (const auto& [method, op] : item.items()) operations += method != "servers";
    EXPECT_EQ(operations, documented);

    // Every $ref resolves.
    std::function<void(const json&)> check_refs = [&](const json& j) {
        if (j.is_object()) {
            if (j.contains("$ref")) {
                std::string ref = j["$ref"];
                std::string name = ref.substr(ref.rfind('/') + 1);
                EXPECT_TRUE(doc["components"]["schemas"].contains(name)) << ref;
            }
            for (const auto& [k, v] : j.items()) check_refs(v);
        } else if (j.is_array()) {
            for (const auto& v : j) check_refs(v);
        }
    };
    check_refs(doc);
}

}  // namespace
}  // namespace ts::api::test
