#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rules/actions/action.hpp"

namespace ts::rules {
namespace {

using nlohmann::json;

std::string error_of(const json& j, const std::string& where = "actions[1]") {
    auto r = parse_action(j, where);
    EXPECT_FALSE(r.has_value()) << j.dump();
    return r ? std::string() : r.error();
}

TEST(ParseAction, RepublishWithDefaults) {
    auto r = parse_action(json{{"type", "republish"}, {"topic", "/${productKey}/x/user/cmd"}},
                          "actions[0]");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->type, "republish");
    EXPECT_EQ(r->retry.max_attempts, 8);
    EXPECT_EQ(r->retry.initial_backoff_ms, 200);
    EXPECT_EQ(r->retry.max_backoff_ms, 10'000);
    EXPECT_EQ(r->queue_limit, 10'000u);
    EXPECT_EQ(r->overflow, OverflowPolicy::DropNewest);
    EXPECT_EQ(r->config["topic"], "/${productKey}/x/user/cmd");
}

TEST(ParseAction, CommonFields) {
    auto r = parse_action(json::parse(R"({"type":"republish","topic":"a/b","qos":1,
        "retry":{"maxAttempts":3,"initialBackoffMs":10,"maxBackoffMs":40},
        "queueLimit":5,"overflow":"dropOldest"})"),
                          "");
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->retry.max_attempts, 3);
    EXPECT_EQ(r->retry.initial_backoff_ms, 10);
    EXPECT_EQ(r->retry.max_backoff_ms, 40);
    EXPECT_EQ(r->queue_limit, 5u);
    EXPECT_EQ(r->overflow, OverflowPolicy::DropOldest);
}

TEST(ParseAction, GoodWebhookDatabaseNats) {
    for (
        const char* text : {
            R"({"type":"webhook","url":"http://127.0.0.1:8080/hook/${deviceName}"})",
            R"({"type":"webhook","url":"https://example.com","headers":{"Authorization":"Bearer x"},"timeoutMs":1000,"insecure":true})",
            R"({"type":"database","table":"hot","columns":{"temp":"t","dev":"deviceName"}})",
            R"({"type":"database","table":"public.hot","connection":"postgresql://u@127.0.0.1:5432/db"})",
            R"({"type":"database","table":"hot","columns":{"a":"x.y.0"},"connection":"postgres://u@h/db"})",
            R"({"type":"nats","url":"nats://127.0.0.1:4222","subject":"things.${deviceName}"})",
            R"({"type":"nats","url":"nats://a:4222,nats://b:4222","subject":"s","jetstream":false})",
        }) {
        auto r = parse_action(json::parse(text), "actions[0]");
        EXPECT_TRUE(r.has_value()) << text << " -> " << (r ? "" : r.error());
    }
}

TEST(ParseAction, ErrorsNameTheField) {
    EXPECT_EQ(error_of(json::array()), "actions[1]: must be an object");
    EXPECT_EQ(error_of(json{{"topic", "a"}}), "actions[1].type: is required (a non-empty string)");
    EXPECT_EQ(error_of(json{{"type", "email"}}),
              "actions[1].type: must be one of \"republish\", \"webhook\", \"database\", \"nats\"");
    EXPECT_EQ(error_of(json{{"type", 3}}), "actions[1].type: must be a string");
    EXPECT_EQ(error_of(json{{"type", "republish"}}),
              "actions[1].topic: is required (a non-empty string)");
    EXPECT_EQ(error_of(json{{"type", "republish"}, {"topic", "a/+"}}),
              "actions[1].topic: may not contain the wildcards + or #");
    EXPECT_EQ(error_of(json{{"type", "republish"}, {"topic", "a"}, {"qos", 2}}),
              "actions[1].qos: must be 0 or 1");
    EXPECT_EQ(error_of(json{{"type", "republish"}, {"topic", "a"}, {"qos", "1"}}),
              "actions[1].qos: must be 0 or 1");
    EXPECT_EQ(error_of(json{{"type", "republish"}, {"topic", "a"}, {"topc", "b"}}),
              "actions[1].topc: unknown field");
    EXPECT_EQ(error_of(json{{"type", "webhook"}, {"url", "ftp://x/"}}),
              "actions[1].url: must be an http:// or https:// URL");
    EXPECT_EQ(error_of(json{{"type", "webhook"}}),
              "actions[1].url: must be an http:// or https:// URL");
    EXPECT_EQ(
        error_of(json{{"type", "webhook"}, {"url", "http://${host}/x"}}),
        "actions[1].url: must be an http:// or https:// URL (${...} is allowed in the path only)");
    EXPECT_EQ(error_of(json{{"type", "webhook"}, {"url", "http://h:99999/"}}),
              "actions[1].url: must be an http:// or https:// URL (invalid port)");
    EXPECT_EQ(error_of(json{{"type", "webhook"}, {"url", "http://h/"}, {"timeoutMs", 0}}),
              "actions[1].timeoutMs: must be an integer from 1 to 300000");
    EXPECT_EQ(
        error_of(json{
            {"type", "webhook"}, {"url", "http://h/"}, {"headers", {{"Content-Length", "1"}}}}),
        "actions[1].headers.Content-Length: is set by the platform");
    EXPECT_EQ(error_of(json{{"type", "webhook"}, {"url", "http://h/"}, {"headers", {{"X", 1}}}}),
              "actions[1].headers.X: must be a string");
    EXPECT_EQ(error_of(json{
                  {"type", "webhook"}, {"url", "http://h/"}, {"headers", {{"X", "a\r\nB: c"}}}}),
              "actions[1].headers.X: may not contain line breaks or NUL");
    EXPECT_EQ(error_of(json{{"type", "webhook"}, {"url", "https://h/"}, {"insecure", "yes"}}),
              "actions[1].insecure: must be true or false");
}

TEST(ParseAction, TemplateErrorsCarryTheCompilerMessage) {
    const auto e = error_of(json{{"type", "republish"}, {"topic", "a/${deviceName"}});
    EXPECT_TRUE(e.starts_with("actions[1].topic: line 1, column ")) << e;
    const auto u = error_of(json{{"type", "webhook"}, {"url", "http://h/${x"}});
    EXPECT_TRUE(u.starts_with("actions[1].url: line 1, column ")) << u;
}

TEST(ParseAction, CommonFieldErrors) {
    const json base{{"type", "republish"}, {"topic", "a"}};
    auto with = [&](const char* key, json v) {
        json j = base;
        j[key] = std::move(v);
        return error_of(j);
    };
    EXPECT_EQ(with("retry", 3), "actions[1].retry: must be an object");
    EXPECT_EQ(with("retry", {{"maxAttempts", 0}}),
              "actions[1].retry.maxAttempts: must be an integer from 1 to 100");
    EXPECT_EQ(with("retry", {{"maxAttempts", 2.5}}),
              "actions[1].retry.maxAttempts: must be an integer from 1 to 100");
    EXPECT_EQ(with("retry", {{"initialBackoffMs", -1}}),
              "actions[1].retry.initialBackoffMs: must be an integer from 0 to 3600000");
    EXPECT_EQ(with("retry", {{"initialBackoffMs", 500}, {"maxBackoffMs", 100}}),
              "actions[1].retry.maxBackoffMs: maxBackoffMs must not be less than initialBackoffMs");
    EXPECT_EQ(with("retry", {{"tries", 1}}), "actions[1].retry.tries: unknown field");
    EXPECT_EQ(with("queueLimit", 0), "actions[1].queueLimit: must be an integer from 1 to 1000000");
    EXPECT_EQ(with("queueLimit", json(std::uint64_t{18'000'000'000'000'000'000u})),
              "actions[1].queueLimit: must be an integer from 1 to 1000000");
    EXPECT_EQ(with("overflow", "dropAll"),
              "actions[1].overflow: must be \"dropNewest\" or \"dropOldest\"");
}

TEST(ParseAction, DatabaseErrors) {
    EXPECT_EQ(error_of(json{{"type", "database"}}),
              "actions[1].table: is required (a non-empty string)");
    EXPECT_EQ(error_of(json{{"type", "database"}, {"table", "hot; drop"}}),
              "actions[1].table: must be a name ([A-Za-z_][A-Za-z0-9_]*) or schema.name");
    EXPECT_EQ(error_of(json{{"type", "database"}, {"table", "t"}, {"columns", {{"a b", "x"}}}}),
              "actions[1].columns.a b: must be a name ([A-Za-z_][A-Za-z0-9_]*)");
    EXPECT_EQ(error_of(json{{"type", "database"}, {"table", "t"}, {"columns", {{"a", 1}}}}),
              "actions[1].columns.a: must be the name of a row field (a string)");
    EXPECT_EQ(error_of(json{{"type", "database"}, {"table", "t"}, {"columns", json::object()}}),
              "actions[1].columns: must map at least one column");
    EXPECT_EQ(error_of(json{{"type", "database"}, {"table", "t"}, {"connection", "mysql://x"}}),
              "actions[1].connection: must be a postgresql:// or postgres:// URI");
}

TEST(ParseAction, NatsErrors) {
    EXPECT_EQ(error_of(json{{"type", "nats"}, {"url", "http://x"}, {"subject", "s"}}),
              "actions[1].url: must be a nats:// or tls:// URL");
    EXPECT_EQ(error_of(json{{"type", "nats"}, {"url", "nats://x"}}),
              "actions[1].subject: is required (a non-empty string)");
    EXPECT_EQ(error_of(json{{"type", "nats"}, {"url", "nats://x"}, {"subject", "a b"}}),
              "actions[1].subject: may not contain spaces or wildcards (* >)");
    EXPECT_EQ(
        error_of(json{{"type", "nats"}, {"url", "nats://x"}, {"subject", "s"}, {"jetstream", 1}}),
        "actions[1].jetstream: must be true or false");
}

TEST(ParseAction, WhereMayBeEmpty) {
    EXPECT_EQ(error_of(json{{"type", "republish"}}, ""), "topic: is required (a non-empty string)");
}

}  // namespace
}  // namespace ts::rules
