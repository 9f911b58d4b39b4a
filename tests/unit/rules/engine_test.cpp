// The engine over a recording RuleHost (the broker is not under test here):
// subscriptions follow install/uninstall, rows reach the actions, failures
// reach the error action, facts come from the payload for platform messages.
#include "rules/engine.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace ts::rules {
namespace {

class RecordingHost final : public RuleHost {
public:
    struct Sub final : Subscription {
        Sub(RecordingHost& h, std::string f) : host(h), filter(std::move(f)) {}
        ~Sub() override {
            std::lock_guard lock(host.mutex);
            host.handlers.erase(filter);
        }
        RecordingHost& host;
        std::string filter;
    };

    std::unique_ptr<Subscription> subscribe(const std::string& filter,
                                            std::function<void(const Routed&)> fn) override {
        std::lock_guard lock(mutex);
        handlers[filter] = std::move(fn);
        return std::make_unique<Sub>(*this, filter);
    }

    // Feeds a message to the handler registered on `filter`, as the broker
    // would for a topic matching it.
    bool route(const std::string& filter, Routed r) {
        std::function<void(const Routed&)> fn;
        {
            std::lock_guard lock(mutex);
            auto it = handlers.find(filter);
            if (it == handlers.end()) return false;
            fn = it->second;
        }
        fn(r);
        return true;
    }

    std::size_t count() {
        std::lock_guard lock(mutex);
        return handlers.size();
    }

    std::mutex mutex;
    std::map<std::string, std::function<void(const Routed&)>> handlers;
};

struct Published {
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<std::pair<std::string, nlohmann::json>> items;

    void add(std::string topic, const std::string& payload) {
        std::lock_guard lock(mutex);
        items.emplace_back(std::move(topic), nlohmann::json::parse(payload));
        cv.notify_all();
    }
    bool wait_for(std::size_t n) {
        std::unique_lock lock(mutex);
        return cv.wait_for(lock, std::chrono::seconds(10), [&] { return items.size() >= n; });
    }
};

struct EngineTest : ::testing::Test {
    RecordingHost host;
    Published published;
    std::unique_ptr<RuleEngine> engine;

    void SetUp() override {
        TargetEnv env;
        env.publish = [this](std::string topic, std::string payload, int) {
            published.add(std::move(topic), payload);
        };
        env.data_dir = ::testing::TempDir();
        engine = std::make_unique<RuleEngine>(host, env);
    }

    static store::RuleRecord rule(std::int64_t id, std::string sql, std::string actions,
                                  std::string error_action = "") {
        store::RuleRecord r;
        r.id = id;
        r.name = "r" + std::to_string(id);
        r.sql = std::move(sql);
        r.actions_json = std::move(actions);
        r.error_action_json = std::move(error_action);
        return r;
    }
};

TEST_F(EngineTest, RowsReachTheActionAndCountersFollow) {
    auto r = rule(1,
                  "SELECT items.t.value AS t, deviceName() AS dev FROM \"/pk/+/thing/event/"
                  "property/post\" WHERE items.t.value > 38",
                  R"([{"type":"republish","topic":"/pk/${dev}/user/cmd"}])");
    ASSERT_TRUE(engine->install(r));
    ASSERT_EQ(host.count(), 1u);

    for (double t : {20.0, 39.0, 40.5}) {
        nlohmann::json p = {{"deviceName", "d1"}, {"items", {{"t", {{"value", t}}}}}};
        std::string payload = p.dump();
        RuleHost::Routed m;
        m.topic = "/pk/d1/thing/event/property/post";
        m.payload = payload;
        ASSERT_TRUE(host.route("/pk/+/thing/event/property/post", m));
    }
    ASSERT_TRUE(published.wait_for(2));
    EXPECT_EQ(published.items[0].first, "/pk/d1/user/cmd");
    EXPECT_EQ(published.items[0].second, (nlohmann::json{{"t", 39.0}, {"dev", "d1"}}));
    EXPECT_EQ(published.items[1].second["t"], 40.5);

    // The runner counts a row once send() has returned, just after the
    // publish callback ran: wait for the count, not only the publish.
    auto s = engine->stats(1);
    for (int i = 0; i < 500 && s["actions"][0]["passed"] != 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        s = engine->stats(1);
    }
    EXPECT_EQ(s["matched"], 3);
    EXPECT_EQ(s["passed"], 2);
    EXPECT_EQ(s["failed"], 0);
    EXPECT_EQ(s["actions"][0]["passed"], 2);
    auto text = engine->prometheus_text();
    EXPECT_NE(
        text.find("thingstead_rule_messages_total{rule=\"r1\",id=\"1\",outcome=\"passed\"} 2"),
        std::string::npos)
        << text;
}

TEST_F(EngineTest, RuleOutputIsNotFedBack) {
    ASSERT_TRUE(engine->install(
        rule(1, "SELECT * FROM \"a/#\"", R"([{"type":"republish","topic":"a/out"}])")));
    RuleHost::Routed m;
    m.topic = "a/out";
    m.payload = "{}";
    m.from_rule = true;
    host.route("a/#", m);
    EXPECT_EQ(engine->stats(1)["matched"], 0);
}

TEST_F(EngineTest, DisabledAndUninstalledRulesLeaveTheIndex) {
    auto r = rule(7, "SELECT * FROM \"x/y\"", "[]");
    r.enabled = false;
    ASSERT_TRUE(engine->install(r));
    EXPECT_EQ(host.count(), 0u);
    EXPECT_TRUE(engine->stats(7).is_null());
    r.enabled = true;
    ASSERT_TRUE(engine->install(r));
    EXPECT_EQ(host.count(), 1u);
    // Reinstalling replaces, it does not add.
    r.sql = "SELECT * FROM \"x/z\"";
    ASSERT_TRUE(engine->install(r));
    EXPECT_EQ(host.count(), 1u);
    EXPECT_EQ(host.handlers.begin()->first, "x/z");
    engine->uninstall(7);
    EXPECT_EQ(host.count(), 0u);
}

TEST_F(EngineTest, BadDefinitionsAreRefusedWithTheReason) {
    auto bad_sql = engine->install(rule(1, "SELECT FROM \"t\"", "[]"));
    ASSERT_FALSE(bad_sql);
    EXPECT_EQ(bad_sql.error().rfind("sql: line 1, column ", 0), 0u) << bad_sql.error();
    auto bad_action = engine->install(rule(2, "SELECT * FROM \"t\"", R"([{"type":"fax"}])"));
    ASSERT_FALSE(bad_action);
    EXPECT_NE(bad_action.error().find("actions[0]"), std::string::npos) << bad_action.error();
    EXPECT_EQ(host.count(), 0u);
}

TEST_F(EngineTest, WhatAnActionGivesUpOnGoesToTheErrorAction) {
    // Port 1 on loopback refuses connections: one attempt, then the error action.
    auto r = rule(3, "SELECT a FROM \"in\"",
                  R"([{"type":"webhook","url":"http://127.0.0.1:1/x","retry":{"maxAttempts":1}}])",
                  R"({"type":"republish","topic":"errors"})");
    ASSERT_TRUE(engine->install(r));
    RuleHost::Routed m;
    m.topic = "in";
    m.payload = R"({"a": 5})";
    m.product_key = "pk";
    m.device_name = "dn";
    host.route("in", m);
    ASSERT_TRUE(published.wait_for(1));
    const auto& [topic, e] = published.items[0];
    EXPECT_EQ(topic, "errors");
    EXPECT_EQ(e["ruleId"], 3);
    EXPECT_EQ(e["action"]["type"], "webhook");
    EXPECT_EQ(e["row"], (nlohmann::json{{"a", 5}}));
    EXPECT_EQ(e["deviceName"], "dn");
    EXPECT_FALSE(e["reason"].get<std::string>().empty());
    auto s = engine->stats(3);
    EXPECT_EQ(s["actions"][0]["failed"], 1);
    EXPECT_EQ(s["lost"], 0);
}

}  // namespace
}  // namespace ts::rules
