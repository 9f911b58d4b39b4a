#include "store/sqlite_db.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <limits>
#include <string>

#include "temp_dir.hpp"

namespace ts::store::sqlite {
namespace {

using test::TempDir;
using namespace std::string_literals;

Database open_ok(const std::string& path) {
    auto db = Database::open(path);
    EXPECT_TRUE(db.has_value()) << db.error().message;
    return std::move(db).value();
}

TEST(SqliteDb, OpenSetsWalSynchronousNormalAndForeignKeys) {
    TempDir dir;
    auto db = open_ok(dir.file("a.db"));
    EXPECT_EQ(*db.query_text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(*db.query_int64("PRAGMA synchronous"), 1);  // NORMAL
    EXPECT_EQ(*db.query_int64("PRAGMA foreign_keys"), 1);
    EXPECT_EQ(*db.query_int64("PRAGMA busy_timeout"), 5000);
    EXPECT_EQ(*db.query_int64("PRAGMA wal_autocheckpoint"), 20000);
}

TEST(SqliteDb, BusyTimeoutIsConfigurable) {
    TempDir dir;
    auto db = Database::open(dir.file("a.db"), OpenOptions{.busy_timeout_ms = 123});
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_EQ(*db->query_int64("PRAGMA busy_timeout"), 123);
}

TEST(SqliteDb, BindsAndReadsEveryType) {
    TempDir dir;
    auto db = open_ok(dir.file("a.db"));
    ASSERT_TRUE(db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n INTEGER)"));
    auto ins = db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)");
    ASSERT_TRUE(ins) << ins.error().message;
    const std::string blob = "a\0b\xff\0"s;
    ASSERT_TRUE(ins->bind_all(std::int64_t{-5}, 2.5, "text", Blob{blob}, nullptr));
    ASSERT_TRUE(ins->run());
    EXPECT_EQ(db.changes(), 1);
    EXPECT_EQ(db.last_insert_rowid(), 1);

    auto sel = db.prepare("SELECT i, r, s, b, n FROM t");
    ASSERT_TRUE(sel);
    auto row = sel->step();
    ASSERT_TRUE(row && *row);
    EXPECT_EQ(sel->column_count(), 5);
    EXPECT_EQ(sel->column_int64(0), -5);
    EXPECT_DOUBLE_EQ(sel->column_double(1), 2.5);
    EXPECT_EQ(sel->column_text(2), "text");
    EXPECT_EQ(sel->column_blob(3), blob);
    EXPECT_TRUE(sel->column_is_null(4));
    row = sel->step();
    ASSERT_TRUE(row);
    EXPECT_FALSE(*row);
}

TEST(SqliteDb, EmptyTextAndBlobAreNotNull) {
    TempDir dir;
    auto db = open_ok(dir.file("a.db"));
    ASSERT_TRUE(db.exec("CREATE TABLE t (s TEXT NOT NULL, b BLOB NOT NULL)"));
    auto ins = db.prepare("INSERT INTO t VALUES (?1, ?2)");
    ASSERT_TRUE(ins);
    auto st = ins->bind_all(std::string_view{}, Blob{});
    ASSERT_TRUE(st) << st.error().message;
    st = ins->run();
    ASSERT_TRUE(st) << st.error().message;
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM t WHERE s = '' AND length(b) = 0"), 1);
}

TEST(SqliteDb, UnsignedSixtyFourBitValuesRoundTrip) {
    TempDir dir;
    auto db = open_ok(dir.file("a.db"));
    ASSERT_TRUE(db.exec("CREATE TABLE t (v INTEGER)"));
    auto ins = db.prepare("INSERT INTO t VALUES (?1)");
    ASSERT_TRUE(ins);
    const auto big = std::numeric_limits<std::uint64_t>::max() - 7;
    ASSERT_TRUE(ins->bind(1, big));
    ASSERT_TRUE(ins->run());
    auto sel = db.prepare("SELECT v FROM t");
    ASSERT_TRUE(sel);
    ASSERT_TRUE(*sel->step());
    EXPECT_EQ(static_cast<std::uint64_t>(sel->column_int64(0)), big);
}

TEST(SqliteDb, StatementIsReusableAfterRun) {
    TempDir dir;
    auto db = open_ok(dir.file("a.db"));
    ASSERT_TRUE(db.exec("CREATE TABLE t (v INTEGER PRIMARY KEY)"));
    auto ins = db.prepare("INSERT INTO t VALUES (?1)", /*reused=*/true);
    ASSERT_TRUE(ins);
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(ins->bind_all(i));
        ASSERT_TRUE(ins->run());
    }
    // A failure resets the statement too, so the next run is unaffected.
    ASSERT_TRUE(ins->bind_all(3));
    auto dup = ins->run();
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().code, static_cast<int>(StoreErrc::constraint));
    ASSERT_TRUE(ins->bind_all(10));
    EXPECT_TRUE(ins->run());
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM t"), 11);
}

TEST(SqliteDb, ForEachRowVisitsEveryRow) {
    TempDir dir;
    auto db = open_ok(dir.file("a.db"));
    ASSERT_TRUE(db.exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3);"));
    auto sel = db.prepare("SELECT v FROM t ORDER BY v");
    ASSERT_TRUE(sel);
    std::int64_t sum = 0;
    ASSERT_TRUE(for_each_row(*sel, [&](const Statement& s) { sum += s.column_int64(0); }));
    EXPECT_EQ(sum, 6);
    // Reset afterwards: it runs again from the start.
    ASSERT_TRUE(for_each_row(*sel, [&](const Statement& s) { sum += s.column_int64(0); }));
    EXPECT_EQ(sum, 12);
}

TEST(SqliteDb, SyntaxErrorIsAnErrorValue) {
    TempDir dir;
    auto db = open_ok(dir.file("a.db"));
    auto stmt = db.prepare("SELEC 1");
    ASSERT_FALSE(stmt);
    EXPECT_EQ(stmt.error().code, static_cast<int>(StoreErrc::sql));
    EXPECT_NE(stmt.error().message.find("syntax error"), std::string::npos) << stmt.error().message;
    auto ex = db.exec("CREATE TABLE");
    ASSERT_FALSE(ex);
    EXPECT_EQ(ex.error().code, static_cast<int>(StoreErrc::sql));
}

TEST(SqliteDb, TransactionRollsBackUnlessCommitted) {
    TempDir dir;
    auto db = open_ok(dir.file("a.db"));
    ASSERT_TRUE(db.exec("CREATE TABLE t (v INTEGER)"));
    {
        auto tx = Transaction::begin(db, TxMode::immediate);
        ASSERT_TRUE(tx);
        EXPECT_TRUE(db.in_transaction());
        ASSERT_TRUE(db.exec("INSERT INTO t VALUES (1)"));
    }
    EXPECT_FALSE(db.in_transaction());
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM t"), 0);
    {
        auto tx = Transaction::begin(db);
        ASSERT_TRUE(tx);
        ASSERT_TRUE(db.exec("INSERT INTO t VALUES (2)"));
        ASSERT_TRUE(tx->commit());
        EXPECT_FALSE(tx->commit());  // already finished
    }
    EXPECT_EQ(*db.query_int64("SELECT count(*) FROM t"), 1);
}

TEST(SqliteDb, DataSurvivesReopen) {
    TempDir dir;
    {
        auto db = open_ok(dir.file("a.db"));
        ASSERT_TRUE(db.exec("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('kept');"));
    }
    auto db = open_ok(dir.file("a.db"));
    EXPECT_EQ(*db.query_text("SELECT v FROM t"), "kept");
}

TEST(SqliteDb, MissingDirectoryIsAnOpenError) {
    TempDir dir;
    auto db = Database::open(dir.file("no/such/dir/a.db"));
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, static_cast<int>(StoreErrc::open_failed));
    EXPECT_NE(db.error().message.find("no/such/dir/a.db"), std::string::npos) << db.error().message;
}

TEST(SqliteDb, DirectoryPathIsAnOpenError) {
    TempDir dir;
    auto db = Database::open(dir.path());
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, static_cast<int>(StoreErrc::open_failed)) << db.error().message;
}

TEST(SqliteDb, NonDatabaseFileIsACorruptError) {
    TempDir dir;
    {
        std::ofstream out(dir.file("junk.db"), std::ios::binary);
        out << std::string(4096, 'x');
    }
    auto db = Database::open(dir.file("junk.db"));
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, static_cast<int>(StoreErrc::corrupt)) << db.error().message;
}

TEST(SqliteDb, NoCreateOnMissingFileFails) {
    TempDir dir;
    auto db = Database::open(dir.file("absent.db"), OpenOptions{.create = false});
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, static_cast<int>(StoreErrc::open_failed));
}

TEST(SqliteDb, InMemoryDatabaseOpens) {
    auto db = Database::open(":memory:");
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_TRUE(db->exec("CREATE TABLE t (v INTEGER)"));
}

TEST(SqliteDb, MovedFromObjectsAreInert) {
    TempDir dir;
    auto a = open_ok(dir.file("a.db"));
    Database b = std::move(a);
    EXPECT_EQ(a.handle(), nullptr);  // NOLINT(bugprone-use-after-move): checks the moved-from state
    auto s1 = b.prepare("SELECT 1");
    ASSERT_TRUE(s1);
    Statement s2 = std::move(*s1);
    EXPECT_FALSE(s1->valid());  // NOLINT(bugprone-use-after-move)
    EXPECT_TRUE(s2.valid());
}

}  // namespace
}  // namespace ts::store::sqlite
