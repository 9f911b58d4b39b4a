// The embedded-database target against a real SQLite file, read back with
// the sqlite3 API.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "../../support/temp_dir.hpp"
#include "rules/actions/action.hpp"

namespace ts::rules {
namespace {

using nlohmann::json;

std::unique_ptr<Target> database(json config, const std::string& dir) {
    config["type"] = "database";
    auto spec = parse_action(config, "actions[0]");
    EXPECT_TRUE(spec.has_value()) << (spec ? "" : spec.error());
    TargetEnv env;
    env.data_dir = dir;
    auto target = make_target(*spec, env);
    EXPECT_TRUE(target.has_value()) << (target ? "" : target.error());
    return std::move(*target);
}

ActionItem item(json row) {
    ActionItem i;
    i.row = std::move(row);
    return i;
}

// Every row of `sql` as text cells ("NULL" for NULL, typeof in brackets).
std::vector<std::vector<std::string>> query(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    std::vector<std::vector<std::string>> rows;
    while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(st); ++c) {
            const auto* text = sqlite3_column_text(st, c);
            row.emplace_back(text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
        }
        rows.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rows;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(SqliteTableTarget, CreatesTheTableAndInsertsMappedColumns) {
    test::TempDir dir;
    auto t = database(
        {{"table", "hot"}, {"columns", {{"temp", "t"}, {"dev", "deviceName"}, {"x", "a.b"}}}},
        dir.path());
    ASSERT_TRUE(
        t->send(item({{"t", 21.5}, {"deviceName", "d1"}, {"a", {{"b", true}}}})).has_value());
    ASSERT_TRUE(t->send(item({{"t", 22}, {"deviceName", "d2"}})).has_value());
    const auto db = dir.file("rules-data.db");
    EXPECT_EQ(query(db, "SELECT dev, temp, typeof(temp), x FROM hot ORDER BY rowid"),
              (Rows{{"d1", "21.5", "real", "1"}, {"d2", "22", "integer", "NULL"}}));
    EXPECT_EQ(query(db, "PRAGMA journal_mode"), (Rows{{"wal"}}));
}

TEST(SqliteTableTarget, WithoutColumnsEveryTopLevelFieldIsAColumnAddedOnce) {
    test::TempDir dir;
    auto t = database({{"table", "events"}}, dir.path());
    ASSERT_TRUE(t->send(item({{"a", 1}, {"obj", {{"k", "v"}}}})).has_value());
    ASSERT_TRUE(t->send(item({{"a", 2}, {"b", "new"}})).has_value());
    EXPECT_EQ(query(dir.file("rules-data.db"), "SELECT a, obj, b FROM events ORDER BY rowid"),
              (Rows{{"1", R"({"k":"v"})", "NULL"}, {"2", "NULL", "new"}}));
    auto bad = t->send(item({{"not-a-name", 1}}));
    ASSERT_FALSE(bad.has_value());
    EXPECT_FALSE(bad.error().retryable);
    EXPECT_NE(bad.error().reason.find("not-a-name"), std::string::npos);
}

TEST(SqliteTableTarget, AnExistingTableGainsTheMissingColumns) {
    test::TempDir dir;
    {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(dir.file("rules-data.db").c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (\"Order\" TEXT)", nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(db);
    }
    auto t = database({{"table", "t"}, {"columns", {{"order", "o"}, {"extra", "e"}}}}, dir.path());
    ASSERT_TRUE(t->send(item({{"o", "first"}, {"e", 5}})).has_value());
    EXPECT_EQ(query(dir.file("rules-data.db"), "SELECT \"Order\", extra FROM t"),
              (Rows{{"first", "5"}}));
}

TEST(SqliteTableTarget, AnUnusableDirectoryIsRetryable) {
    auto t = database({{"table", "t"}}, "/nonexistent/dir");
    auto r = t->send(item({{"a", 1}}));
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(r.error().retryable) << r.error().reason;
}

TEST(SqliteTableTarget, AnUnknownSchemaIsNotRetryable) {
    test::TempDir dir;
    auto t = database({{"table", "other.t"}}, dir.path());
    auto r = t->send(item({{"a", 1}}));
    ASSERT_FALSE(r.has_value());
    EXPECT_FALSE(r.error().retryable) << r.error().reason;
}

}  // namespace
}  // namespace ts::rules
