#pragma once
// A thin RAII layer over the sqlite3 C API, shared by every SQLite-backed
// store (broker state, device registry, thing data). Failures come back as
// ts::Error values with a StoreErrc code; nothing here throws.
//
// A Database and its Statements may be used from any thread, but from one
// thread at a time: callers that share a connection serialise access
// themselves (SQLite's own mutex would not keep a transaction's statements
// together).
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "core/error.hpp"
#include "core/expected.hpp"
#include "store/store_error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace ts::store::sqlite {

using Status = Expected<void, Error>;

// Maps a SQLite result code to a store error, with `context` and SQLite's own
// message (taken from `db` when given) in the text.
Error to_error(int rc, sqlite3* db, std::string_view context);

// Marks a value to bind as a blob (bytes) rather than text.
struct Blob {
    std::string_view bytes;
};

class Statement {
public:
    Statement() = default;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    // Parameter indexes are 1-based, as in SQL ("?1"). Text and blobs are
    // copied by SQLite, so the arguments need not outlive the call.
    Status bind_null(int index);
    Status bind_int64(int index, std::int64_t value);
    Status bind_double(int index, double value);
    Status bind_text(int index, std::string_view value);
    // An empty value binds a zero-length blob, never NULL.
    Status bind_blob(int index, std::string_view bytes);
    // Any integer type; unsigned 64-bit values above INT64_MAX wrap to
    // negative numbers and read back intact through the same cast.
    template <std::integral I>
    Status bind(int index, I value) {
        return bind_int64(index, static_cast<std::int64_t>(value));
    }

    // Binds the arguments to parameters 1..N in order: strings as text, Blob
    // as a blob, integers (bool included) as integers, nullptr as NULL.
    // Stops at the first failure.
    template <class... Args>
    Status bind_all(const Args&... args) {
        Status status;
        int index = 0;
        (void)((status = bind_one(++index, args), status.has_value()) && ...);
        return status;
    }

    // Advances one row: true when a row is available, false when done.
    Expected<bool, Error> step();
    // Runs a statement that returns no rows, then resets it for reuse (also
    // on failure, so that the next use does not report a stale error).
    Status run();
    // Rewinds and clears the bindings so the statement can run again.
    void reset();

    int column_count() const;
    bool column_is_null(int col) const;
    std::int64_t column_int64(int col) const;
    double column_double(int col) const;
    std::string column_text(int col) const;
    std::string column_blob(int col) const;

    bool valid() const { return stmt_ != nullptr; }
    sqlite3_stmt* handle() const { return stmt_; }

private:
    friend class Database;
    Statement(sqlite3_stmt* stmt, sqlite3* db) : stmt_(stmt), db_(db) {}
    Status check_bind(int rc, int index);
    Status bind_one(int index, std::string_view v) { return bind_text(index, v); }
    Status bind_one(int index, const std::string& v) { return bind_text(index, v); }
    Status bind_one(int index, const char* v) { return bind_text(index, v); }
    Status bind_one(int index, Blob v) { return bind_blob(index, v.bytes); }
    Status bind_one(int index, double v) { return bind_double(index, v); }
    Status bind_one(int index, std::nullptr_t) { return bind_null(index); }
    template <std::integral I>
    Status bind_one(int index, I v) {
        return bind(index, v);
    }

    sqlite3_stmt* stmt_ = nullptr;
    sqlite3* db_ = nullptr;
};

struct OpenOptions {
    bool create = true;      // create the file when absent
    bool read_only = false;  // no WAL switch either (it needs to write)
    int busy_timeout_ms = 5000;
};

class Database {
public:
    // Opens `path` in WAL mode with synchronous=NORMAL and foreign keys on.
    // The file is touched here, so an unusable path fails now rather than at
    // the first write.
    static Expected<Database, Error> open(const std::string& path, const OpenOptions& options = {});

    Database() = default;
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    // Runs one or more statements that return no rows.
    Status exec(const std::string& sql);
    // `reused`: the statement lives long and runs many times (a hint that
    // keeps it out of SQLite's small lookaside memory).
    Expected<Statement, Error> prepare(std::string_view sql, bool reused = false);
    // The first column of the first row, for counts and PRAGMAs.
    Expected<std::int64_t, Error> query_int64(std::string_view sql);
    Expected<std::string, Error> query_text(std::string_view sql);

    bool in_transaction() const;
    std::int64_t last_insert_rowid() const;
    std::int64_t changes() const;
    const std::string& path() const { return path_; }
    sqlite3* handle() const { return db_; }

private:
    explicit Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
    void close();

    sqlite3* db_ = nullptr;
    std::string path_;
};

enum class TxMode {
    deferred,   // takes the write lock at the first write
    immediate,  // takes the write lock now, so a writer never fails mid-way on a lock upgrade
};

// Steps `stmt` to the end, calling on_row(stmt) for each row, then resets it.
template <class F>
Status for_each_row(Statement& stmt, F&& on_row) {
    for (;;) {
        auto row = stmt.step();
        if (!row) {
            stmt.reset();
            return unexpected(row.error());
        }
        if (!*row) break;
        on_row(static_cast<const Statement&>(stmt));
    }
    stmt.reset();
    return {};
}

// A transaction that rolls back unless commit() succeeded.
class Transaction {
public:
    static Expected<Transaction, Error> begin(Database& db, TxMode mode = TxMode::deferred);

    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    Status commit();
    void rollback();

private:
    explicit Transaction(Database* db) : db_(db) {}
    Database* db_ = nullptr;  // null once committed or rolled back
};

}  // namespace ts::store::sqlite
