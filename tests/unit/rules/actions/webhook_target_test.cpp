// The webhook target against a real HTTP server on 127.0.0.1.
#include <gtest/gtest.h>

#include <chrono>

#include "http_test_server.hpp"
#include "rules/actions/action.hpp"

namespace ts::rules {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::HttpTestServer;

std::unique_ptr<Target> webhook(json config) {
    config["type"] = "webhook";
    auto spec = parse_action(config, "actions[0]");
    EXPECT_TRUE(spec.has_value()) << (spec ? "" : spec.error());
    auto target = make_target(*spec, TargetEnv{});
    EXPECT_TRUE(target.has_value()) << (target ? "" : target.error());
    return std::move(*target);
}

ActionItem item(json row) {
    ActionItem i;
    i.row = std::move(row);
    i.device_name = "dev1";
    return i;
}

TEST(WebhookTarget, PostsTheRowAsJsonOverOneKeptAliveConnection) {
    HttpTestServer server;
    auto t = webhook(
        {{"url", server.url("/hook/${deviceName}")}, {"headers", {{"Authorization", "Bearer x"}}}});
    for (int i = 0; i < 3; ++i) {
        auto r = t->send(item({{"deviceName", "d 1"}, {"t", i}}));
        ASSERT_TRUE(r.has_value()) << r.error().reason;
    }
    const auto seen = server.requests();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_EQ(seen[0].target, "/hook/d%201");
    EXPECT_EQ(seen[0].content_type, "application/json");
    EXPECT_EQ(seen[0].authorization, "Bearer x");
    EXPECT_EQ(json::parse(seen[2].body), (json{{"deviceName", "d 1"}, {"t", 2}}));
    EXPECT_EQ(server.connections(), 1);
}

TEST(WebhookTarget, ServerErrorsAreRetryableAndTheNextTrySucceeds) {
    HttpTestServer server;
    server.script({500, "database down"});
    server.script({200});
    auto t = webhook({{"url", server.url()}});
    auto first = t->send(item({{"a", 1}}));
    ASSERT_FALSE(first.has_value());
    EXPECT_TRUE(first.error().retryable);
    EXPECT_EQ(first.error().reason, "HTTP 500: database down");
    EXPECT_TRUE(t->send(item({{"a", 1}})).has_value());
    EXPECT_EQ(server.requests().size(), 2u);
}

TEST(WebhookTarget, StatusClasses) {
    HttpTestServer server;
    server.script({408});
    server.script({429});
    server.script({503});
    server.script({404, std::string(300, 'x')});
    server.script({400});
    auto t = webhook({{"url", server.url()}});
    for (bool retryable : {true, true, true, false, false}) {
        auto r = t->send(item({{"a", 1}}));
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().retryable, retryable) << r.error().reason;
    }
    ASSERT_EQ(server.requests().size(), 5u);
    // The reason carries the status and the first 200 bytes of the body.
    server.script({404, std::string(300, 'x')});
    auto r = t->send(item({{"a", 1}}));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().reason, "HTTP 404: " + std::string(200, 'x'));
}

TEST(WebhookTarget, TimeoutIsRetryableAndTheConnectionIsReplaced) {
    HttpTestServer server;
    server.script({200, "", 1500ms});
    auto t = webhook({{"url", server.url()}, {"timeoutMs", 200}});
    const auto start = std::chrono::steady_clock::now();
    auto r = t->send(item({{"a", 1}}));
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(r.error().retryable);
    EXPECT_NE(r.error().reason.find("timed out"), std::string::npos) << r.error().reason;
    EXPECT_LT(took, 1000ms);
    EXPECT_TRUE(t->send(item({{"a", 2}})).has_value());
    EXPECT_EQ(server.connections(), 2);
}

TEST(WebhookTarget, ServerClosingTheConnectionIsNotAnError) {
    HttpTestServer server;
    server.script({200, "", 0ms, true});  // Connection: close
    auto t = webhook({{"url", server.url()}});
    EXPECT_TRUE(t->send(item({{"a", 1}})).has_value());
    EXPECT_TRUE(t->send(item({{"a", 2}})).has_value());
    EXPECT_EQ(server.requests().size(), 2u);
    EXPECT_EQ(server.connections(), 2);
}

TEST(WebhookTarget, ConnectionRefusedIsRetryableAndRecoversWhenTheServerIsBack) {
    unsigned short port = 0;
    std::unique_ptr<Target> t;
    {
        HttpTestServer gone;
        port = gone.port();
    }
    t = webhook({{"url", "http://127.0.0.1:" + std::to_string(port) + "/x"}, {"timeoutMs", 1000}});
    auto r = t->send(item({{"a", 1}}));
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(r.error().retryable);
    EXPECT_NE(r.error().reason.find("connecting to http://127.0.0.1:"), std::string::npos)
        << r.error().reason;
}

TEST(WebhookTarget, ATemplateThatCannotRenderIsNotRetryable) {
    HttpTestServer server;
    auto t = webhook({{"url", server.url("/x/${n + 1}")}});  // arithmetic on a string fails
    auto r = t->send(item({{"n", "abc"}}));
    ASSERT_FALSE(r.has_value());
    EXPECT_FALSE(r.error().retryable);
    EXPECT_TRUE(r.error().reason.starts_with("url: ")) << r.error().reason;
    EXPECT_TRUE(server.requests().empty());
}

// Device data in a URL template stays inside the component it is put in:
// it cannot climb the path, start a query, add parameters or a fragment, or
// smuggle an escape the receiver would decode.
TEST(WebhookTarget, TemplateValuesAreEncodedForTheirPartOfTheUrl) {
    HttpTestServer server;
    auto t = webhook({{"url", server.url("/hook/${v}/x?a=${v}&b=1")}});
    const std::pair<const char*, const char*> cases[] = {
        {"../../admin?x=1#", "/hook/..%2F..%2Fadmin%3Fx%3D1%23/x?a=..%2F..%2Fadmin%3Fx%3D1%23&b=1"},
        {"a&b=c", "/hook/a%26b%3Dc/x?a=a%26b%3Dc&b=1"},
        {"%2e%2e", "/hook/%252e%252e/x?a=%252e%252e&b=1"},
        {"a+b c", "/hook/a%2Bb%20c/x?a=a%2Bb%20c&b=1"},
        {"\r\nX-Evil: 1", "/hook/%0D%0AX-Evil%3A%201/x?a=%0D%0AX-Evil%3A%201&b=1"},
        {"d\u00e9v-1_~.", "/hook/d%C3%A9v-1_~./x?a=d%C3%A9v-1_~.&b=1"},
    };
    for (const auto& [value, target] : cases) {
        auto r = t->send(item({{"v", value}}));
        ASSERT_TRUE(r.has_value()) << value << ": " << r.error().reason;
    }
    const auto seen = server.requests();
    ASSERT_EQ(seen.size(), std::size(cases));
    for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].target, cases[i].second);
}

TEST(WebhookTarget, ADotSegmentValueInThePathIsRefused) {
    HttpTestServer server;
    auto t = webhook({{"url", server.url("/hook/${v}/x?q=${v}")}});
    for (const char* v : {".", ".."}) {
        auto r = t->send(item({{"v", v}}));
        ASSERT_FALSE(r.has_value()) << v;
        EXPECT_FALSE(r.error().retryable);
        EXPECT_EQ(r.error().reason,
                  std::string("url: a value of '") + v + "' may not form a path segment");
    }
    // In the query a dot is only text.
    auto q = webhook({{"url", server.url("/hook?q=${v}")}});
    ASSERT_TRUE(q->send(item({{"v", ".."}})).has_value());
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].target, "/hook?q=..");
}

TEST(WebhookTarget, TemplatesAndLineBreaksAreRefusedWhereTheyCouldRedirect) {
    for (const char* url : {"http://${host}/x", "http://h:${port}/x", "http://${a}@h/x"}) {
        auto spec = parse_action({{"type", "webhook"}, {"url", url}}, "actions[0]");
        ASSERT_FALSE(spec.has_value()) << url;
        EXPECT_NE(spec.error().find("actions[0].url"), std::string::npos) << spec.error();
    }
    auto spec = parse_action(
        {{"type", "webhook"}, {"url", "http://h/x"}, {"headers", {{"X-A", "a\r\nHost: evil"}}}},
        "actions[0]");
    ASSERT_FALSE(spec.has_value());
    EXPECT_EQ(spec.error(), "actions[0].headers.X-A: may not contain line breaks or NUL");
}

}  // namespace
}  // namespace ts::rules
