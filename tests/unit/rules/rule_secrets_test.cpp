// Secrets in rule actions: sealed in the database file, opened for the
// engine, masked for the API, kept when a masked value comes back, and
// plain rows of earlier builds sealed by the upgrade pass. Database files
// are private (0600) whatever the umask.
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../support/temp_dir.hpp"
#include "rules/action_secrets.hpp"
#include "rules/rule_definition.hpp"
#include "rules/sealed_rule_store.hpp"

namespace ts::rules {
namespace {

using nlohmann::json;
using store::RuleRecord;

const std::string kKey(32, 'k');

const json kActions = json::array({
    {{"type", "webhook"},
     {"url", "http://h/x"},
     {"headers",
      {{"Authorization", "Bearer tok-AAA111"},
       {"X-Api-Key", "key-BBB222"},
       {"X-Trace", "visible-trace"}}}},
    {{"type", "database"},
     {"table", "t"},
     {"connection", "postgresql://pg:pw-CCC333@db.local:5432/iot"}},
    {{"type", "nats"},
     {"url", "nats://nu:pw-DDD444@n1:4222,nats://tok-EEE555@n2"},
     {"subject", "s"}},
});
const json kErrorAction = {{"type", "database"},
                           {"table", "e"},
                           {"connection", "host=h dbname=x password='pw FFF666' user=u"}};
const char* const kSecrets[] = {"tok-AAA111", "key-BBB222", "pw-CCC333",
                                "pw-DDD444",  "tok-EEE555", "FFF666"};

RuleRecord rule_with_secrets() {
    RuleRecord r;
    r.name = "r1";
    r.sql = "SELECT * FROM \"/a\"";
    r.actions_json = kActions.dump();
    r.error_action_json = kErrorAction.dump();
    return r;
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

registry::SecretBox box(const std::string& key = kKey) {
    auto b = registry::SecretBox::create(key);
    return std::move(*b);
}

std::unique_ptr<store::RuleStore> open_store(const std::string& path) {
    auto s = store::open_sqlite_rule_store(path);
    return std::move(*s);
}

struct Stores {
    ts::test::TempDir dir;
    std::string db = dir.file("thingstead.db");
    std::unique_ptr<store::RuleStore> plain = open_store(db);
    SealedRuleStore sealed{*plain, box()};

    // Everything SQLite wrote: the database and its write-ahead log.
    std::string on_disk() const { return file_bytes(db) + file_bytes(db + "-wal"); }
};

TEST(RuleSecrets, TheDatabaseFileHoldsNoPlainSecret) {
    Stores s;
    auto created = s.sealed.create(rule_with_secrets());
    ASSERT_TRUE(created.has_value()) << created.error().message;
    // The caller (the engine) sees the rule as given.
    EXPECT_EQ(json::parse(created->actions_json), kActions);

    const std::string disk = s.on_disk();
    ASSERT_NE(disk.find("visible-trace"), std::string::npos);  // the bytes are readable
    for (const char* secret : kSecrets) EXPECT_EQ(disk.find(secret), std::string::npos) << secret;

    auto raw = s.plain->get(created->id);
    ASSERT_TRUE(raw.has_value() && raw->has_value());
    const json stored = json::parse((*raw)->actions_json);
    EXPECT_TRUE(stored[0]["headers"]["Authorization"].contains("$enc"));
    EXPECT_TRUE(stored[0]["headers"]["X-Api-Key"].contains("$enc"));
    EXPECT_EQ(stored[0]["headers"]["X-Trace"], "visible-trace");
    EXPECT_TRUE(stored[1]["connection"].contains("$enc"));
    EXPECT_TRUE(stored[2]["url"].contains("$enc"));
    EXPECT_TRUE(json::parse((*raw)->error_action_json)["connection"].contains("$enc"));

    auto opened = s.sealed.get(created->id);
    ASSERT_TRUE(opened.has_value() && opened->has_value());
    EXPECT_EQ(json::parse((*opened)->actions_json), kActions);
    EXPECT_EQ(json::parse((*opened)->error_action_json), kErrorAction);
}

TEST(RuleSecrets, PlainRowsOfEarlierBuildsAreSealedOnce) {
    Stores s;
    // As an earlier build stored it: straight into the table.
    auto legacy = s.plain->create(rule_with_secrets());
    ASSERT_TRUE(legacy.has_value());
    ASSERT_NE(s.on_disk().find("tok-AAA111"), std::string::npos);

    // Plain rows still read (before the pass has run).
    auto before = s.sealed.get(legacy->id);
    ASSERT_TRUE(before.has_value() && before->has_value());
    EXPECT_EQ(json::parse((*before)->actions_json), kActions);

    auto sealed = s.sealed.seal_plain_secrets();
    ASSERT_TRUE(sealed.has_value()) << sealed.error().message;
    EXPECT_EQ(*sealed, 1u);
    EXPECT_EQ(*s.sealed.seal_plain_secrets(), 0u);  // nothing left to do

    auto raw = s.plain->get(legacy->id);
    for (const char* secret : kSecrets) {
        EXPECT_EQ((*raw)->actions_json.find(secret), std::string::npos) << secret;
        EXPECT_EQ((*raw)->error_action_json.find(secret), std::string::npos) << secret;
    }
    auto after = s.sealed.get(legacy->id);
    EXPECT_EQ(json::parse((*after)->actions_json), kActions);
    EXPECT_EQ(json::parse((*after)->error_action_json), kErrorAction);
}

TEST(RuleSecrets, AnotherMasterKeyCannotOpenThem) {
    Stores s;
    auto created = s.sealed.create(rule_with_secrets());
    ASSERT_TRUE(created.has_value());
    SealedRuleStore other(*s.plain, box(std::string(32, 'x')));
    auto r = other.get(created->id);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("cannot open the sealed secret"), std::string::npos)
        << r.error().message;
}

TEST(RuleSecrets, TheApiShowsThemMasked) {
    RuleRecord r = rule_with_secrets();
    r.id = 3;
    const json view = rule_json(r, nullptr);
    const std::string text = view.dump();
    for (const char* secret : kSecrets) EXPECT_EQ(text.find(secret), std::string::npos) << secret;
    EXPECT_EQ(view["actions"][0]["headers"]["Authorization"], "****");
    EXPECT_EQ(view["actions"][0]["headers"]["X-Api-Key"], "****");
    EXPECT_EQ(view["actions"][0]["headers"]["X-Trace"], "visible-trace");
    EXPECT_EQ(view["actions"][1]["connection"], "postgresql://pg:****@db.local:5432/iot");
    EXPECT_EQ(view["actions"][2]["url"], "nats://nu:****@n1:4222,nats://****@n2");
    EXPECT_EQ(view["errorAction"]["connection"], "host=h dbname=x password=**** user=u");
}

TEST(RuleSecrets, AMaskedValueSentBackKeepsTheStoredSecret) {
    json prev = kActions;
    json next = json::parse(rule_json(rule_with_secrets(), nullptr)["actions"].dump());
    next[0]["headers"]["X-Trace"] = "changed";
    next[1]["connection"] = "postgresql://pg:****@db.local:5432/iot";  // the mask, unchanged
    next[2]["url"] = "nats://nu:new-pass@n1:4222";                     // a new secret
    keep_masked_secrets(next, prev, "actions");
    EXPECT_EQ(next[0]["headers"]["Authorization"], "Bearer tok-AAA111");
    EXPECT_EQ(next[0]["headers"]["X-Api-Key"], "key-BBB222");
    EXPECT_EQ(next[0]["headers"]["X-Trace"], "changed");
    EXPECT_EQ(next[1]["connection"], "postgresql://pg:pw-CCC333@db.local:5432/iot");
    EXPECT_EQ(next[2]["url"], "nats://nu:new-pass@n1:4222");
}

TEST(RuleSecrets, DatabaseFilesArePrivateWhateverTheUmask) {
    const mode_t old = ::umask(022);
    Stores s;
    ::umask(old);
    ASSERT_TRUE(s.sealed.create(rule_with_secrets()).has_value());
    for (const std::string& f : {s.db, s.db + "-wal", s.db + "-shm"}) {
        struct stat st {};
        ASSERT_EQ(::stat(f.c_str(), &st), 0) << f;
        EXPECT_EQ(st.st_mode & 0777, 0600u) << f;
    }
}

}  // namespace
}  // namespace ts::rules
