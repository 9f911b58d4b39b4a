// The SQLite rule store: CRUD, the unique name, and rules surviving a reopen.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/migrations.hpp"
#include "store/rule_store.hpp"
#include "store/rule_store_schema.hpp"
#include "store/sqlite_db.hpp"
#include "store/store_error.hpp"
#include "temp_dir.hpp"

namespace ts::store {
namespace {

using test::TempDir;

std::unique_ptr<RuleStore> open_ok(const std::string& path) {
    auto s = open_sqlite_rule_store(path);
    EXPECT_TRUE(s.has_value()) << s.error().message;
    return s ? std::move(s).value() : nullptr;
}

RuleRecord rule(const std::string& name) {
    RuleRecord r;
    r.name = name;
    r.description = "forward " + name;
    r.sql = "SELECT * FROM \"/+/+/user/" + name + "\"";
    r.actions_json = R"([{"type":"republish","topic":"/out"}])";
    r.error_action_json = R"({"type":"webhook","url":"http://example.com/err"})";
    r.enabled = true;
    return r;
}

TEST(SqliteRuleStore, CreateAssignsIdsAndTimes) {
    auto store = open_ok(":memory:");
    ASSERT_TRUE(store);
    auto a = store->create(rule("a"));
    ASSERT_TRUE(a.has_value()) << a.error().message;
    EXPECT_GT(a->id, 0);
    EXPECT_GT(a->created_at_ms, 0);
    EXPECT_EQ(a->created_at_ms, a->updated_at_ms);
    auto b = store->create(rule("b"));
    ASSERT_TRUE(b.has_value()) << b.error().message;
    EXPECT_GT(b->id, a->id);
}

TEST(SqliteRuleStore, GetReturnsWhatWasStored) {
    auto store = open_ok(":memory:");
    ASSERT_TRUE(store);
    auto in = rule("temps");
    in.enabled = false;
    in.error_action_json.clear();
    auto created = store->create(in);
    ASSERT_TRUE(created.has_value()) << created.error().message;
    auto got = store->get(created->id);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    ASSERT_TRUE(got->has_value());
    const RuleRecord& r = **got;
    EXPECT_EQ(r.id, created->id);
    EXPECT_EQ(r.name, "temps");
    EXPECT_EQ(r.description, in.description);
    EXPECT_EQ(r.sql, in.sql);
    EXPECT_EQ(r.actions_json, in.actions_json);
    EXPECT_EQ(r.error_action_json, "");
    EXPECT_FALSE(r.enabled);
    EXPECT_EQ(r.created_at_ms, created->created_at_ms);

    auto missing = store->get(created->id + 100);
    ASSERT_TRUE(missing.has_value()) << missing.error().message;
    EXPECT_FALSE(missing->has_value());
}

TEST(SqliteRuleStore, ListIsInIdOrder) {
    auto store = open_ok(":memory:");
    ASSERT_TRUE(store);
    for (const char* n : {"c", "a", "b"}) ASSERT_TRUE(store->create(rule(n)).has_value());
    auto all = store->list();
    ASSERT_TRUE(all.has_value()) << all.error().message;
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ((*all)[0].name, "c");
    EXPECT_EQ((*all)[1].name, "a");
    EXPECT_EQ((*all)[2].name, "b");
}

TEST(SqliteRuleStore, UpdateChangesEverythingButIdAndCreationTime) {
    auto store = open_ok(":memory:");
    ASSERT_TRUE(store);
    auto created = store->create(rule("a"));
    ASSERT_TRUE(created.has_value());
    RuleRecord changed = *created;
    changed.name = "a2";
    changed.description = "";
    changed.sql = "SELECT temp FROM \"/x\"";
    changed.actions_json = "[]";
    changed.error_action_json = "";
    changed.enabled = false;
    changed.created_at_ms = 1;  // ignored: the row keeps its own
    auto updated = store->update(changed);
    ASSERT_TRUE(updated.has_value()) << updated.error().message;
    EXPECT_EQ(updated->id, created->id);
    EXPECT_EQ(updated->name, "a2");
    EXPECT_EQ(updated->sql, changed.sql);
    EXPECT_EQ(updated->actions_json, "[]");
    EXPECT_FALSE(updated->enabled);
    EXPECT_EQ(updated->created_at_ms, created->created_at_ms);
    EXPECT_GE(updated->updated_at_ms, created->updated_at_ms);

    auto got = store->get(created->id);
    ASSERT_TRUE(got.has_value() && got->has_value());
    EXPECT_EQ((*got)->name, "a2");
}

TEST(SqliteRuleStore, UpdateOfAMissingRuleFails) {
    auto store = open_ok(":memory:");
    ASSERT_TRUE(store);
    RuleRecord r = rule("ghost");
    r.id = 42;
    auto updated = store->update(r);
    ASSERT_FALSE(updated.has_value());
    EXPECT_EQ(updated.error().code, static_cast<int>(StoreErrc::invalid_argument));
}

TEST(SqliteRuleStore, RemoveSaysWhetherARuleWasThere) {
    auto store = open_ok(":memory:");
    ASSERT_TRUE(store);
    auto a = store->create(rule("a"));
    ASSERT_TRUE(a.has_value());
    auto removed = store->remove(a->id);
    ASSERT_TRUE(removed.has_value()) << removed.error().message;
    EXPECT_TRUE(*removed);
    auto again = store->remove(a->id);
    ASSERT_TRUE(again.has_value());
    EXPECT_FALSE(*again);
    auto all = store->list();
    ASSERT_TRUE(all.has_value());
    EXPECT_TRUE(all->empty());
}

TEST(SqliteRuleStore, IdsOfDeletedRulesAreNotReused) {
    auto store = open_ok(":memory:");
    ASSERT_TRUE(store);
    auto a = store->create(rule("a"));
    ASSERT_TRUE(a.has_value());
    ASSERT_TRUE(store->remove(a->id).has_value());
    auto b = store->create(rule("b"));
    ASSERT_TRUE(b.has_value());
    EXPECT_GT(b->id, a->id);
}

TEST(SqliteRuleStore, DuplicateNameIsAConstraintError) {
    auto store = open_ok(":memory:");
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->create(rule("a")).has_value());
    auto dup = store->create(rule("a"));
    ASSERT_FALSE(dup.has_value());
    EXPECT_EQ(dup.error().code, static_cast<int>(StoreErrc::constraint));

    // Renaming onto a taken name too.
    auto b = store->create(rule("b"));
    ASSERT_TRUE(b.has_value());
    RuleRecord renamed = *b;
    renamed.name = "a";
    auto up = store->update(renamed);
    ASSERT_FALSE(up.has_value());
    EXPECT_EQ(up.error().code, static_cast<int>(StoreErrc::constraint));
}

TEST(SqliteRuleStore, ReopenKeepsRules) {
    TempDir dir;
    const std::string path = dir.file("rules.db");
    std::int64_t id = 0;
    {
        auto store = open_ok(path);
        ASSERT_TRUE(store);
        auto a = store->create(rule("kept"));
        ASSERT_TRUE(a.has_value());
        id = a->id;
    }
    auto store = open_ok(path);
    ASSERT_TRUE(store);
    auto got = store->get(id);
    ASSERT_TRUE(got.has_value() && got->has_value());
    EXPECT_EQ((*got)->name, "kept");
    EXPECT_EQ((*got)->actions_json, rule("kept").actions_json);

    auto db = sqlite::Database::open(path);
    ASSERT_TRUE(db.has_value());
    auto version = schema_version(*db, kRuleStoreComponent);
    ASSERT_TRUE(version.has_value());
    EXPECT_EQ(*version, static_cast<int>(rule_store_migrations().size()));
}

}  // namespace
}  // namespace ts::store
