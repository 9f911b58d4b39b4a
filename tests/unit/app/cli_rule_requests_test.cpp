// What the rule subcommands send.
#include <gtest/gtest.h>

#include "app/cli/rule_requests.hpp"

namespace ts::app::cli {
namespace {

using nlohmann::json;

TEST(CliRuleRequests, CreateSendsOnlyWhatWasGiven) {
    RuleFlags f;
    f.name = "hot";
    f.sql = "SELECT temp FROM \"/a/b\" WHERE temp > 30";
    auto r = rule_create(rule_body(f));
    EXPECT_EQ(r.method, Method::Post);
    EXPECT_EQ(r.path, "/api/v1/rules");
    EXPECT_EQ(*r.body,
              (json{{"name", "hot"}, {"sql", "SELECT temp FROM \"/a/b\" WHERE temp > 30"}}));

    f.description = "too hot";
    f.actions = std::vector<json>{{{"type", "republish"}, {"topic", "/out"}}};
    f.error_action = json{{"type", "webhook"}, {"url", "http://h/e"}};
    f.enabled = false;
    EXPECT_EQ(*rule_create(rule_body(f)).body,
              (json{{"name", "hot"},
                    {"description", "too hot"},
                    {"sql", *f.sql},
                    {"actions", json::array({{{"type", "republish"}, {"topic", "/out"}}})},
                    {"errorAction", {{"type", "webhook"}, {"url", "http://h/e"}}},
                    {"enabled", false}}));
}

TEST(CliRuleRequests, UpdateIsAPatchOfTheGivenMembers) {
    RuleFlags f;
    EXPECT_TRUE(empty(f));
    f.actions = std::vector<json>{};  // --no-actions
    EXPECT_FALSE(empty(f));
    f.error_action = json(nullptr);  // --error-action null
    auto r = rule_update("7", rule_body(f));
    EXPECT_EQ(r.method, Method::Patch);
    EXPECT_EQ(r.path, "/api/v1/rules/7");
    EXPECT_EQ(*r.body, (json{{"actions", json::array()}, {"errorAction", nullptr}}));
}

TEST(CliRuleRequests, ListGetDeleteAndVerbs) {
    EXPECT_EQ(rule_list({}).path, "/api/v1/rules");
    EXPECT_EQ(rule_list({10, std::string("42")}).path, "/api/v1/rules?pageSize=10&pageToken=42");
    auto g = rule_get("3");
    EXPECT_EQ(g.method, Method::Get);
    EXPECT_EQ(g.path, "/api/v1/rules/3");
    EXPECT_FALSE(g.body);
    auto d = rule_delete("3");
    EXPECT_EQ(d.method, Method::Delete);
    EXPECT_EQ(d.path, "/api/v1/rules/3");
    EXPECT_FALSE(d.body);
    auto e = rule_action("3", "enable");
    EXPECT_EQ(e.method, Method::Post);
    EXPECT_EQ(e.path, "/api/v1/rules/3:enable");
    EXPECT_EQ(rule_action("3", "disable").path, "/api/v1/rules/3:disable");
    // An id is one path segment whatever the user typed.
    EXPECT_EQ(rule_get("a/b").path, "/api/v1/rules/a%2Fb");
}

TEST(CliRuleRequests, TestSendsTheMessage) {
    RuleTest t;
    t.sql = "SELECT * FROM \"/+/+/up\"";
    t.payload = json{{"temp", 31}};
    t.topic = "/p/d/up";
    auto r = rule_test(t);
    EXPECT_EQ(r.method, Method::Post);
    EXPECT_EQ(r.path, "/api/v1/rules:test");
    EXPECT_EQ(*r.body, (json{{"sql", t.sql}, {"payload", {{"temp", 31}}}, {"topic", "/p/d/up"}}));

    t.payload = "raw bytes";
    t.device_name = "d1";
    t.product_key = "pk";
    t.client_ip = "10.0.0.1";
    t.actions = {json{{"type", "republish"}, {"topic", "/x"}}};
    EXPECT_EQ(*rule_test(t).body,
              (json{{"sql", t.sql},
                    {"payload", "raw bytes"},
                    {"topic", "/p/d/up"},
                    {"deviceName", "d1"},
                    {"productKey", "pk"},
                    {"clientIp", "10.0.0.1"},
                    {"actions", json::array({{{"type", "republish"}, {"topic", "/x"}}})}}));
}

TEST(CliRuleRequests, ActionOptionNamesTheProblem) {
    auto ok = parse_action_option(R"({"type":"republish","topic":"/out"})");
    ASSERT_TRUE(ok.has_value()) << ok.error();
    EXPECT_EQ((*ok)["type"], "republish");

    auto bad = parse_action_option("{type: republish}");
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().rfind("not valid JSON: ", 0), 0u) << bad.error();

    auto not_object = parse_action_option("[1]");
    ASSERT_FALSE(not_object.has_value());
    EXPECT_NE(not_object.error().find("JSON object"), std::string::npos) << not_object.error();

    auto untyped = parse_action_option(R"({"topic":"/out"})");
    ASSERT_FALSE(untyped.has_value());
    EXPECT_NE(untyped.error().find("\"type\""), std::string::npos) << untyped.error();

    EXPECT_FALSE(parse_action_option("null").has_value());
    auto none = parse_action_option("null", true);  // --error-action null
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->is_null());
}

TEST(CliRuleRequests, RuleFileMustBeAnObject) {
    auto ok = parse_rule_file(R"({"name":"r","sql":"SELECT * FROM \"/a\""})");
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ((*ok)["name"], "r");
    EXPECT_FALSE(parse_rule_file("[]").has_value());
    EXPECT_FALSE(parse_rule_file("{").has_value());
}

}  // namespace
}  // namespace ts::app::cli
