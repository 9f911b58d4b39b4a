#include "store/migrations.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace ts::store {
namespace {

using sqlite::Database;
using test::TempDir;

Database open_ok(const std::string& path) {
    auto db = Database::open(path);
    EXPECT_TRUE(db.has_value()) << db.error().message;
    return std::move(db).value();
}

// Migration 2 inserts a row, so applying it twice would show as two rows.
const std::vector<Migration> kTwo = {
    {1, "CREATE TABLE a (v INTEGER);"},
    {2, "CREATE TABLE b (v INTEGER); INSERT INTO b VALUES (42);"},
};

TEST(Migrations, FreshDatabaseIsAtVersionZero) {
    TempDir dir;
    auto db = open_ok(dir.file("m.db"));
    auto v = schema_version(db, "x");
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(*v, 0);
}

TEST(Migrations, AppliesAllAndRecordsEachVersionWithItsTime) {
    TempDir dir;
    auto db = open_ok(dir.file("m.db"));
    const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto v = apply_migrations(db, "x", kTwo);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(*v, 2);
    EXPECT_EQ(*schema_version(db, "x"), 2);
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM b"), 1);
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM schema_migrations WHERE component = 'x'"), 2);
    EXPECT_GE(*db.query_int64("SELECT min(applied_wall_ms) FROM schema_migrations"), before);
    EXPECT_EQ(*db.query_text("SELECT group_concat(version) FROM (SELECT version FROM "
                             "schema_migrations ORDER BY version)"),
              "1,2");
}

TEST(Migrations, ReapplyingAndReopeningChangeNothing) {
    TempDir dir;
    {
        auto db = open_ok(dir.file("m.db"));
        ASSERT_TRUE(apply_migrations(db, "x", kTwo));
        auto again = apply_migrations(db, "x", kTwo);
        ASSERT_TRUE(again) << again.error().message;
        EXPECT_EQ(*again, 2);
    }
    auto db = open_ok(dir.file("m.db"));
    auto v = apply_migrations(db, "x", kTwo);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(*v, 2);
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM b"), 1);
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM schema_migrations"), 2);
}

TEST(Migrations, AppliesOnlyTheNewOnesWhenTheListGrows) {
    TempDir dir;
    auto db = open_ok(dir.file("m.db"));
    ASSERT_TRUE(apply_migrations(db, "x", std::span(kTwo).first(1)));
    EXPECT_EQ(*schema_version(db, "x"), 1);
    auto v = apply_migrations(db, "x", kTwo);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(*v, 2);
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM b"), 1);
}

TEST(Migrations, AFailingMigrationLeavesTheSchemaUntouched) {
    TempDir dir;
    auto db = open_ok(dir.file("m.db"));
    const std::vector<Migration> bad = {
        {1, "CREATE TABLE a (v INTEGER);"},
        {2, "CREATE TABLE oops ("},
    };
    auto v = apply_migrations(db, "x", bad);
    ASSERT_FALSE(v);
    EXPECT_NE(v.error().message.find("migration 2"), std::string::npos) << v.error().message;
    EXPECT_FALSE(db.in_transaction());
    EXPECT_EQ(*schema_version(db, "x"), 0);
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM sqlite_schema WHERE name = 'a'"), 0);
}

TEST(Migrations, RejectsVersionsThatDoNotIncrease) {
    TempDir dir;
    auto db = open_ok(dir.file("m.db"));
    for (const auto& list :
         {std::vector<Migration>{{1, ""}, {1, ""}}, std::vector<Migration>{{2, ""}, {1, ""}},
          std::vector<Migration>{{0, ""}}}) {
        auto v = apply_migrations(db, "x", list);
        ASSERT_FALSE(v);
        EXPECT_EQ(v.error().code, static_cast<int>(StoreErrc::schema));
    }
}

TEST(Migrations, RefusesADatabaseFromANewerBuild) {
    TempDir dir;
    auto db = open_ok(dir.file("m.db"));
    ASSERT_TRUE(apply_migrations(db, "x", kTwo));
    auto v = apply_migrations(db, "x", std::span(kTwo).first(1));
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().code, static_cast<int>(StoreErrc::schema));
    EXPECT_NE(v.error().message.find("version 2"), std::string::npos) << v.error().message;
}

TEST(Migrations, ComponentsHaveTheirOwnVersions) {
    TempDir dir;
    auto db = open_ok(dir.file("m.db"));
    ASSERT_TRUE(apply_migrations(db, "x", kTwo));
    const std::vector<Migration> other = {{1, "CREATE TABLE y_things (v INTEGER);"}};
    auto v = apply_migrations(db, "y", other);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(*v, 1);
    EXPECT_EQ(*schema_version(db, "x"), 2);
    EXPECT_EQ(*schema_version(db, "y"), 1);
}

TEST(Migrations, EmptyListIsVersionZero) {
    TempDir dir;
    auto db = open_ok(dir.file("m.db"));
    auto v = apply_migrations(db, "x", {});
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(*v, 0);
}

}  // namespace
}  // namespace ts::store
