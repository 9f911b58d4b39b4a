// The rule routes (rules_routes.cpp) through the dispatcher, without
// sockets: a real RuleManager over a real ":memory:" rule store and a real
// RuleEngine. The broker is not under test, so a recording RuleHost stands
// in for it: it keeps the subscriptions the engine makes and lets a test
// route a message to them.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/dispatch.hpp"
#include "api/routes.hpp"
#include "api_test_util.hpp"
#include "rules/engine.hpp"
#include "rules/rule_manager.hpp"
#include "store/rule_store.hpp"

namespace ts::api::test {
namespace {

class RecordingHost final : public rules::RuleHost {
public:
    std::unique_ptr<Subscription> subscribe(
        const std::string& filter, std::function<void(const Routed&)> on_message) override {
        std::lock_guard lock(mu_);
        const int id = next_id_++;
        subs_[id] = {filter, std::move(on_message)};
        return std::make_unique<Sub>(*this, id);
    }

    std::vector<std::string> filters() {
        std::lock_guard lock(mu_);
        std::vector<std::string> out;
        for (const auto& [id, s] : subs_) out.push_back(s.first);
        return out;
    }

    // Delivers to every subscription on exactly this filter (the tests use
    // filters without wildcards, so no matching is needed here).
    void route(const std::string& topic, const std::string& payload) {
        std::vector<std::function<void(const Routed&)>> targets;
        {
            std::lock_guard lock(mu_);
            for (const auto& [id, s] : subs_)
                if (s.first == topic) targets.push_back(s.second);
        }
        Routed m;
        m.topic = topic;
        m.payload = payload;
        m.product_key = "pk";
        m.device_name = "lamp01";
        m.client_ip = "10.0.0.9";
        for (auto& t : targets) t(m);
    }

private:
    struct Sub final : Subscription {
        Sub(RecordingHost& h, int i) : host(h), id(i) {}
        ~Sub() override {
            std::lock_guard lock(host.mu_);
            host.subs_.erase(id);
        }
        RecordingHost& host;
        int id;
    };

    std::mutex mu_;
    int next_id_ = 1;
    std::map<int, std::pair<std::string, std::function<void(const Routed&)>>> subs_;
};

struct Republished {
    std::string topic;
    std::string payload;
};

class RulesApi : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = store::open_sqlite_rule_store(":memory:");
        ASSERT_TRUE(s.has_value()) << s.error().message;
        store_ = std::move(*s);
        rules::TargetEnv env;
        env.publish = [this](std::string topic, std::string payload, int) {
            std::lock_guard lock(mu_);
            published_.push_back({std::move(topic), std::move(payload)});
        };
        engine_ = std::make_unique<rules::RuleEngine>(host_, std::move(env));
        manager_ = std::make_unique<rules::RuleManager>(*store_, *engine_);
        Router router;
        add_rule_routes(router, *manager_);
        dispatcher_ = std::make_unique<Dispatcher>(std::move(router), kToken);
    }

    void TearDown() override {
        dispatcher_.reset();
        manager_.reset();
        engine_.reset();
        store_.reset();
    }

    Reply call(http::verb method, const std::string& target,
               std::optional<std::string> body = std::nullopt) {
        Request req;
        req.method = method;
        std::string full = "/api/v1" + target;
        auto q = full.find('?');
        req.path = full.substr(0, q);
        std::string query = q == std::string::npos ? "" : full.substr(q + 1);
        req.headers.set(http::field::authorization, std::string("Bearer ") + kToken);
        if (body) {
            req.headers.set(http::field::content_type, "application/json");
            req.body = *body;
        }
        Response res = dispatcher_->handle(req, query);
        Reply r;
        r.status = res.status;
        r.body = res.body;
        return r;
    }
    Reply get(const std::string& t) { return call(http::verb::get, t); }
    Reply del(const std::string& t) { return call(http::verb::delete_, t); }
    Reply post(const std::string& t, const json& b) { return call(http::verb::post, t, b.dump()); }
    Reply patch(const std::string& t, const json& b) {
        return call(http::verb::patch, t, b.dump());
    }

    static json rule_body(const std::string& name = "hot") {
        return {
            {"name", name},
            {"description", "too hot"},
            {"sql", "SELECT temp, deviceName() AS dev FROM \"/pk/lamp01/user/up\" WHERE temp > 30"},
            {"actions", json::array({{{"type", "republish"}, {"topic", "/alerts/${dev}"}}})}};
    }

    // Creates a rule and returns its id.
    std::int64_t make_rule(const json& body) {
        auto r = post("/rules", body);
        EXPECT_EQ(r.status, 201u) << r.body;
        return r.status == 201 ? r.js()["id"].get<std::int64_t>() : 0;
    }

    std::vector<Republished> published() {
        std::lock_guard lock(mu_);
        return published_;
    }
    // Action runners deliver on their own threads.
    std::vector<Republished> wait_published(std::size_t n) {
        for (int i = 0; i < 500 && published().size() < n; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return published();
    }

    RecordingHost host_;
    std::mutex mu_;
    std::vector<Republished> published_;
    std::unique_ptr<store::RuleStore> store_;
    std::unique_ptr<rules::RuleEngine> engine_;
    std::unique_ptr<rules::RuleManager> manager_;
    std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(RulesApi, CreateReturnsTheRuleAndStartsIt) {
    auto r = post("/rules", rule_body());
    ASSERT_EQ(r.status, 201u) << r.body;
    json j = r.js();
    EXPECT_GT(j["id"].get<std::int64_t>(), 0);
    EXPECT_EQ(j["name"], "hot");
    EXPECT_EQ(j["description"], "too hot");
    EXPECT_EQ(j["sql"], rule_body()["sql"]);
    EXPECT_EQ(j["source"], "/pk/lamp01/user/up");
    EXPECT_EQ(j["actions"], rule_body()["actions"]);  // as given
    EXPECT_TRUE(j["errorAction"].is_null());
    EXPECT_EQ(j["enabled"], true);
    EXPECT_GT(j["createdTime"].get<std::int64_t>(), 0);
    EXPECT_EQ(j["createdTime"], j["updatedTime"]);
    EXPECT_TRUE(j["stats"].is_object()) << j.dump();  // running
    EXPECT_EQ(host_.filters(), std::vector<std::string>{"/pk/lamp01/user/up"});
}

TEST_F(RulesApi, ARunningRuleRepublishes) {
    auto id = make_rule(rule_body());
    host_.route("/pk/lamp01/user/up", R"({"temp": 35})");
    host_.route("/pk/lamp01/user/up", R"({"temp": 20})");  // WHERE does not hold
    auto sent = wait_published(1);
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].topic, "/alerts/lamp01");
    EXPECT_EQ(json::parse(sent[0].payload), (json{{"temp", 35}, {"dev", "lamp01"}}));
    auto got = get("/rules/" + std::to_string(id));
    ASSERT_EQ(got.status, 200u) << got.body;
    EXPECT_TRUE(got.js()["stats"].is_object()) << got.body;
}

TEST_F(RulesApi, CreateDefaultsAndDisabled) {
    auto r = post("/rules", {{"name", "quiet"},
                             {"sql", "SELECT * FROM \"/a\""},
                             {"enabled", false},
                             {"errorAction", {{"type", "republish"}, {"topic", "/errors"}}}});
    ASSERT_EQ(r.status, 201u) << r.body;
    json j = r.js();
    EXPECT_EQ(j["description"], "");
    EXPECT_EQ(j["actions"], json::array());
    EXPECT_EQ(j["errorAction"], (json{{"type", "republish"}, {"topic", "/errors"}}));
    EXPECT_EQ(j["enabled"], false);
    EXPECT_TRUE(j["stats"].is_null());  // not running
    EXPECT_TRUE(host_.filters().empty());
}

TEST_F(RulesApi, CreateChecksTheFields) {
    struct Case {
        json body;
        std::string code;
        std::string message_start;
    };
    const std::vector<Case> cases = {
        {{{"sql", "SELECT * FROM \"/a\""}}, "InvalidArgument", "name: required"},
        {{{"name", "x"}}, "InvalidArgument", "sql: required"},
        {{{"name", ""}, {"sql", "SELECT * FROM \"/a\""}}, "InvalidArgument", "name: "},
        {{{"name", std::string(129, 'n')}, {"sql", "SELECT * FROM \"/a\""}},
         "InvalidArgument",
         "name: "},
        {{{"name", 5}, {"sql", "SELECT * FROM \"/a\""}}, "InvalidArgument", "name: "},
        {{{"name", "x"}, {"sql", "SELECT * FROM \"/a\""}, {"actions", {{"type", "republish"}}}},
         "InvalidArgument",
         "actions: "},
        {{{"name", "x"}, {"sql", "SELECT * FROM \"/a\""}, {"enabled", "yes"}},
         "InvalidArgument",
         "enabled: "},
        {{{"name", "x"}, {"sql", "SELECT * FROM \"/a\""}, {"errorAction", json::array()}},
         "InvalidArgument",
         "errorAction: "},
        {{{"name", "x"}, {"sql", "SELECT * FROM \"/a\""}, {"color", "red"}},
         "UnknownField",
         "unknown field 'color'"},
        {{{"name", "x"},
          {"sql", "SELECT * FROM \"/a\""},
          {"actions", json::array({{{"type", "republish"}, {"topic", "/ok"}},
                                   {{"type", "webhook"}, {"url", "ftp://x"}}})}},
         "InvalidRuleAction",
         "actions[1]"},
        {{{"name", "x"},
          {"sql", "SELECT * FROM \"/a\""},
          {"errorAction", {{"type", "carrier-pigeon"}}}},
         "InvalidRuleAction",
         "errorAction"},
    };
    for (const auto& c : cases) {
        auto r = post("/rules", c.body);
        EXPECT_EQ(r.status, 400u) << c.body.dump() << " -> " << r.body;
        EXPECT_EQ(r.code(), c.code) << c.body.dump() << " -> " << r.body;
        EXPECT_EQ(r.message().rfind(c.message_start, 0), 0u) << c.body.dump() << " -> " << r.body;
    }
    json many = rule_body();
    many["actions"] = json::array();
    for (int i = 0; i < 17; ++i)
        many["actions"].push_back({{"type", "republish"}, {"topic", "/o"}});
    auto r = post("/rules", many);
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "InvalidArgument") << r.body;
    many["actions"].erase(16);
    EXPECT_EQ(post("/rules", many).status, 201u);
    EXPECT_EQ(get("/rules").js()["items"].size(), 1u);  // only the last one was stored
}

TEST_F(RulesApi, BadSqlIsLocated) {
    json body = rule_body();
    body["sql"] = "SELECT FROM \"/a\"";
    auto r = post("/rules", body);
    ASSERT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.code(), "InvalidRuleSql");
    json j = r.js();
    EXPECT_EQ(j["line"], 1);
    EXPECT_GT(j["column"].get<int>(), 1);
    EXPECT_EQ(r.message().rfind(
                  "sql: line 1, column " + std::to_string(j["column"].get<int>()) + ": ", 0),
              0u)
        << r.body;
}

TEST_F(RulesApi, DuplicateNameIsAConflict) {
    make_rule(rule_body("same"));
    auto r = post("/rules", rule_body("same"));
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(r.code(), "RuleNameTaken");
    auto other = make_rule(rule_body("other"));
    auto p = patch("/rules/" + std::to_string(other), {{"name", "same"}});
    EXPECT_EQ(p.status, 409u);
    EXPECT_EQ(p.code(), "RuleNameTaken");
}

TEST_F(RulesApi, ATargetTheEngineCannotBuildIsRefusedAndNotKept) {
    // An engine with no broker to republish to refuses republish actions
    // when it builds them, after parse_action accepted them.
    rules::RuleEngine bare(host_, rules::TargetEnv{});
    rules::RuleManager m(*store_, bare);
    Router router;
    add_rule_routes(router, m);
    dispatcher_ = std::make_unique<Dispatcher>(std::move(router), kToken);
    auto r = post("/rules", rule_body());
    EXPECT_EQ(r.status, 400u) << r.body;
    EXPECT_EQ(r.code(), "InvalidRuleAction");
    EXPECT_FALSE(r.message().empty());
    EXPECT_EQ(get("/rules").js()["items"], json::array());
    dispatcher_.reset();
}

TEST_F(RulesApi, GetAndNotFound) {
    auto id = make_rule(rule_body());
    auto r = get("/rules/" + std::to_string(id));
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.js()["name"], "hot");
    for (std::string bad : {"999", "0", "-1", "abc", "1x"}) {
        auto nf = get("/rules/" + bad);
        EXPECT_EQ(nf.status, 404u) << bad;
        EXPECT_EQ(nf.code(), "RuleNotFound") << bad;
    }
}

TEST_F(RulesApi, ListPages) {
    for (int i = 0; i < 5; ++i) make_rule(rule_body("r" + std::to_string(i)));
    auto all = get("/rules");
    ASSERT_EQ(all.status, 200u);
    EXPECT_EQ(all.js()["items"].size(), 5u);
    EXPECT_EQ(all.js()["nextPageToken"], "");

    std::vector<std::string> names;
    std::string token;
    for (int pages = 0; pages < 10; ++pages) {
        auto page = get("/rules?pageSize=2" + (token.empty() ? "" : "&pageToken=" + token));
        ASSERT_EQ(page.status, 200u) << page.body;
        json j = page.js();
        EXPECT_LE(j["items"].size(), 2u);
        for (const auto& item : j["items"]) names.push_back(item["name"]);
        token = j["nextPageToken"];
        if (token.empty()) break;
    }
    EXPECT_EQ(names, (std::vector<std::string>{"r0", "r1", "r2", "r3", "r4"}));

    EXPECT_EQ(get("/rules?pageToken=zz").code(), "InvalidArgument");
    EXPECT_EQ(get("/rules?pageSize=0").code(), "InvalidArgument");
    EXPECT_EQ(get("/rules?sort=name").code(), "UnknownField");
}

TEST_F(RulesApi, PatchChangesAndRestarts) {
    auto id = make_rule(rule_body());
    const std::string path = "/rules/" + std::to_string(id);
    auto r = patch(path, {{"sql", "SELECT * FROM \"/other\""}, {"description", "moved"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    json j = r.js();
    EXPECT_EQ(j["name"], "hot");  // untouched
    EXPECT_EQ(j["source"], "/other");
    EXPECT_EQ(j["description"], "moved");
    EXPECT_EQ(j["actions"], rule_body()["actions"]);
    EXPECT_EQ(host_.filters(), std::vector<std::string>{"/other"});

    // Re-checked: bad SQL is refused and the rule stays as it was.
    auto bad = patch(path, {{"sql", "SELECT * FROM"}});
    EXPECT_EQ(bad.status, 400u);
    EXPECT_EQ(bad.code(), "InvalidRuleSql");
    EXPECT_EQ(get(path).js()["source"], "/other");

    // errorAction null removes it; actions [] empties the list.
    ASSERT_EQ(patch(path, {{"errorAction", {{"type", "republish"}, {"topic", "/e"}}}}).status,
              200u);
    auto cleared = patch(path, {{"errorAction", nullptr}, {"actions", json::array()}});
    ASSERT_EQ(cleared.status, 200u) << cleared.body;
    EXPECT_TRUE(cleared.js()["errorAction"].is_null());
    EXPECT_EQ(cleared.js()["actions"], json::array());

    auto fixed = patch(path, {{"createdTime", 1}});
    EXPECT_EQ(fixed.status, 400u);
    EXPECT_EQ(fixed.message().rfind("createdTime: ", 0), 0u) << fixed.body;
    EXPECT_EQ(patch("/rules/999", {{"name", "x"}}).code(), "RuleNotFound");
}

TEST_F(RulesApi, EnableAndDisable) {
    auto id = make_rule(rule_body());
    const std::string path = "/rules/" + std::to_string(id);
    auto off = call(http::verb::post, path + ":disable");
    ASSERT_EQ(off.status, 200u) << off.body;
    EXPECT_EQ(off.js()["enabled"], false);
    EXPECT_TRUE(off.js()["stats"].is_null());
    EXPECT_TRUE(host_.filters().empty());
    EXPECT_EQ(call(http::verb::post, path + ":disable").status, 200u);  // idempotent

    auto on = call(http::verb::post, path + ":enable", "{}");
    ASSERT_EQ(on.status, 200u) << on.body;
    EXPECT_EQ(on.js()["enabled"], true);
    EXPECT_TRUE(on.js()["stats"].is_object());
    EXPECT_EQ(host_.filters().size(), 1u);
    EXPECT_EQ(call(http::verb::post, "/rules/999:enable").code(), "RuleNotFound");
    EXPECT_EQ(call(http::verb::post, path + ":enable", R"({"x":1})").code(), "UnknownField");
}

TEST_F(RulesApi, DeleteStopsAndRemoves) {
    auto id = make_rule(rule_body());
    const std::string path = "/rules/" + std::to_string(id);
    auto r = del(path);
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.js(), json::object());
    EXPECT_TRUE(host_.filters().empty());
    EXPECT_EQ(get(path).code(), "RuleNotFound");
    EXPECT_EQ(del(path).code(), "RuleNotFound");
}

TEST_F(RulesApi, LoadAllStartsEnabledRulesAndSkipsBrokenOnes) {
    // Rules written straight to the store, as a previous run left them.
    store::RuleRecord good;
    good.name = "good";
    good.sql = "SELECT * FROM \"/g\"";
    store::RuleRecord off = good;
    off.name = "off";
    off.sql = "SELECT * FROM \"/off\"";
    off.enabled = false;
    store::RuleRecord broken = good;
    broken.name = "broken";
    broken.sql = "SELECT * FROM";
    for (const auto& r : {good, off, broken}) ASSERT_TRUE(store_->create(r).has_value());

    auto summary = manager_->load_all();
    ASSERT_TRUE(summary.has_value()) << summary.error().message;
    EXPECT_EQ(summary->running, 1u);
    EXPECT_EQ(summary->disabled, 1u);
    EXPECT_EQ(summary->failed, 1u);
    EXPECT_EQ(host_.filters(), std::vector<std::string>{"/g"});
    // The broken rule is still there to be fixed.
    auto list = get("/rules").js()["items"];
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[2]["name"], "broken");
    EXPECT_EQ(list[2]["source"], "");
    EXPECT_TRUE(list[2]["stats"].is_null());
    auto fixed = patch("/rules/" + list[2]["id"].dump(), {{"sql", "SELECT * FROM \"/b\""}});
    EXPECT_EQ(fixed.status, 200u) << fixed.body;
    EXPECT_TRUE(fixed.js()["stats"].is_object());
}

// --- POST /rules:test ---

TEST_F(RulesApi, DryRunMatchesAndRenders) {
    auto r =
        post("/rules:test",
             {{"sql", "SELECT temp, deviceName() AS dev FROM \"/+/+/user/up\" WHERE temp > 30"},
              {"topic", "/pk/lamp01/user/up"},
              {"payload", {{"temp", 35}}},
              {"deviceName", "lamp01"},
              {"actions", json::array({{{"type", "republish"}, {"topic", "/alerts/${dev}"}},
                                       {{"type", "webhook"}, {"url", "http://h/t?d=${dev}"}}})}});
    ASSERT_EQ(r.status, 200u) << r.body;
    json j = r.js();
    EXPECT_EQ(j["matched"], true);
    EXPECT_EQ(j["rows"], json::array({{{"temp", 35}, {"dev", "lamp01"}}}));
    ASSERT_EQ(j["actions"].size(), 2u);
    EXPECT_EQ(j["actions"][0],
              (json{{"type", "republish"}, {"fires", true}, {"topic", "/alerts/lamp01"}}));
    EXPECT_EQ(j["actions"][1],
              (json{{"type", "webhook"}, {"fires", true}, {"url", "http://h/t?d=lamp01"}}));
    EXPECT_FALSE(j.contains("error"));
    EXPECT_TRUE(published().empty());  // nothing is sent
}

TEST_F(RulesApi, DryRunWhereFalseAndTopicMismatch) {
    json body = {{"sql", "SELECT * FROM \"/a/b\" WHERE temp > 30"},
                 {"payload", "{\"temp\": 3}"},  // a string is the raw payload
                 {"actions", json::array({{{"type", "republish"}, {"topic", "/out"}}})}};
    auto r = post("/rules:test", body);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["matched"], true);  // topic defaulted to the FROM filter
    EXPECT_EQ(r.js()["rows"], json::array());
    EXPECT_EQ(r.js()["actions"][0],
              (json{{"type", "republish"}, {"fires", false}, {"topic", "/out"}}));

    body["topic"] = "/a/c";
    body["payload"] = {{"temp", 99}};
    auto other = post("/rules:test", body);
    ASSERT_EQ(other.status, 200u);
    EXPECT_EQ(other.js()["matched"], false);
    EXPECT_EQ(other.js()["rows"], json::array());
}

TEST_F(RulesApi, DryRunRuntimeErrorIsAnAnswer) {
    auto r =
        post("/rules:test", {{"sql", "SELECT temp + 1 AS t FROM \"/a\""},
                             {"payload", {{"temp", "warm"}}},
                             {"actions", json::array({{{"type", "republish"}, {"topic", "/o"}}})}});
    ASSERT_EQ(r.status, 200u) << r.body;
    json j = r.js();
    EXPECT_EQ(j["matched"], true);
    EXPECT_EQ(j["rows"], json::array());
    EXPECT_TRUE(j["error"].is_string() && !j["error"].get<std::string>().empty()) << r.body;
    EXPECT_EQ(j["actions"][0]["fires"], false);
}

TEST_F(RulesApi, DryRunErrors) {
    auto wild = post("/rules:test", {{"sql", "SELECT * FROM \"/+/up\""}, {"payload", 1}});
    EXPECT_EQ(wild.status, 400u);
    EXPECT_EQ(wild.message().rfind("topic: ", 0), 0u) << wild.body;

    auto sql = post("/rules:test", {{"sql", "SELEC * FROM \"/a\""}, {"payload", 1}});
    EXPECT_EQ(sql.status, 400u);
    EXPECT_EQ(sql.code(), "InvalidRuleSql");
    EXPECT_EQ(sql.js()["line"], 1);

    auto action = post("/rules:test", {{"sql", "SELECT * FROM \"/a\""},
                                       {"payload", 1},
                                       {"actions", json::array({{{"type", "nope"}}})}});
    EXPECT_EQ(action.status, 400u);
    EXPECT_EQ(action.code(), "InvalidRuleAction");

    EXPECT_EQ(post("/rules:test", {{"sql", "SELECT * FROM \"/a\""}}).message(),
              "payload: required");
    EXPECT_EQ(
        post("/rules:test", {{"sql", "SELECT * FROM \"/a\""}, {"payload", 1}, {"qos", 1}}).code(),
        "UnknownField");
    EXPECT_EQ(
        post("/rules:test", {{"sql", "SELECT * FROM \"/a\""}, {"payload", 1}, {"topic", "/a/#"}})
            .code(),
        "InvalidArgument");
}

}  // namespace
}  // namespace ts::api::test
