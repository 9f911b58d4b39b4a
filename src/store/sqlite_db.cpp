#include "store/sqlite_db.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include "store/private_file.hpp"

namespace ts::store::sqlite {

namespace {

StoreErrc category(int rc) {
    switch (rc & 0xFF) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return StoreErrc::busy;
        case SQLITE_FULL:
            return StoreErrc::full;
        case SQLITE_IOERR:
            return StoreErrc::io;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return StoreErrc::corrupt;
        case SQLITE_CONSTRAINT:
            return StoreErrc::constraint;
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
            return StoreErrc::open_failed;
        case SQLITE_READONLY:
            return StoreErrc::read_only;
        default:
            return StoreErrc::sql;
    }
}

}  // namespace

Error to_error(int rc, sqlite3* db, std::string_view context) {
    // sqlite3_errmsg describes the connection's latest failure, which is only
    // ours when the caller passes the connection that just failed.
    const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return make_error(category(rc), fmt::format("{}: {} (sqlite code {})", context, detail, rc));
}

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), db_(std::exchange(other.db_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        stmt_ = std::exchange(other.stmt_, nullptr);
        db_ = std::exchange(other.db_, nullptr);
    }
    return *this;
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Status Statement::check_bind(int rc, int index) {
    if (rc == SQLITE_OK) return {};
    return unexpected(to_error(rc, db_, fmt::format("bind parameter {}", index)));
}

Status Statement::bind_null(int index) {
    return check_bind(sqlite3_bind_null(stmt_, index), index);
}

Status Statement::bind_int64(int index, std::int64_t value) {
    return check_bind(sqlite3_bind_int64(stmt_, index, value), index);
}

Status Statement::bind_double(int index, double value) {
    return check_bind(sqlite3_bind_double(stmt_, index, value), index);
}

Status Statement::bind_text(int index, std::string_view value) {
    // A null pointer would bind SQL NULL; an empty string must stay ''.
    const char* data = value.data() != nullptr ? value.data() : "";
    return check_bind(
        sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
        index);
}

Status Statement::bind_blob(int index, std::string_view bytes) {
    if (bytes.empty()) return check_bind(sqlite3_bind_zeroblob(stmt_, index, 0), index);
    return check_bind(
        sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
}

Expected<bool, Error> Statement::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // The statement's start is enough to tell which one failed; the whole
    // text would bury the reason in the log line.
    constexpr std::size_t kShown = 60;
    std::string_view sql = sqlite3_sql(stmt_);
    std::string context(sql.substr(0, kShown));
    if (sql.size() > kShown) context += "...";
    return unexpected(to_error(rc, db_, context));
}

Status Statement::run() {
    auto r = step();
    reset();
    if (!r) return unexpected(r.error());
    return {};
}

void Statement::reset() {
    // sqlite3_reset repeats the last step's error; step() already reported it.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

int Statement::column_count() const {
    return sqlite3_column_count(stmt_);
}

bool Statement::column_is_null(int col) const {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int col) const {
    return sqlite3_column_int64(stmt_, col);
}

double Statement::column_double(int col) const {
    return sqlite3_column_double(stmt_, col);
}

std::string Statement::column_text(int col) const {
    // Fetch the pointer before the size, as SQLite's docs require.
    const auto* p = sqlite3_column_text(stmt_, col);
    const int n = sqlite3_column_bytes(stmt_, col);
    if (p == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::string Statement::column_blob(int col) const {
    const void* p = sqlite3_column_blob(stmt_, col);
    const int n = sqlite3_column_bytes(stmt_, col);
    if (p == nullptr) return {};
    return std::string(static_cast<const char*>(p), static_cast<std::size_t>(n));
}

// ---- Database ----

Expected<Database, Error> Database::open(const std::string& path, const OpenOptions& options) {
    int flags = options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (options.create && !options.read_only) flags |= SQLITE_OPEN_CREATE;
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    // SQLite may hand back a connection even on failure; it must be closed.
    Database db(raw, path);
    if (rc != SQLITE_OK) {
        return unexpected(to_error(rc, raw, fmt::format("open {}", path)));
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, options.busy_timeout_ms);

    // journal_mode is the first statement that reads the file, so a
    // directory that does not exist or a file that is not a database shows
    // up here.
    if (!options.read_only) {
        auto mode = db.query_text("PRAGMA journal_mode=WAL");
        if (!mode) {
            Error e = mode.error();
            e.message = fmt::format("open {}: {}", path, e.message);
            return unexpected(std::move(e));
        }
        // In-memory databases cannot use WAL and answer "memory"; anything else
        // means the file system refused WAL (no shared memory support).
        if (*mode != "wal" && *mode != "memory") {
            return unexpected(
                make_error(StoreErrc::open_failed,
                           fmt::format("open {}: journal_mode is {}, not wal", path, *mode)));
        }
    } else if (auto r = db.query_int64("PRAGMA schema_version"); !r) {
        return unexpected(r.error());
    }
    // NORMAL in WAL mode keeps the database consistent across power loss and
    // can lose only the last commits, in exchange for no fsync per commit.
    if (auto r = db.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"); !r) {
        return unexpected(r.error());
    }
    // WAL pages (4 KiB) written before a commit copies them into the
    // database file. Property values spread over many series dirty one index
    // page per series and batch; at SQLite's default of 1,000 pages the
    // thing data writer checkpointed after nearly every batch, copying and
    // syncing each page again. At 20,000 (80 MiB of WAL) a page rewritten by
    // many batches is copied once (docs/benchmarks-props.md). Every
    // connection to the file gets the same threshold, so the one that
    // commits the most (the writer) is the one that mostly checkpoints,
    // rather than another store's next small commit.
    if (auto r = db.exec("PRAGMA wal_autocheckpoint = 20000"); !r) return unexpected(r.error());
    // The WAL and shared-memory files exist from the journal_mode statement
    // on; ":memory:" and URIs name no file, so nothing happens for them.
    if (!options.read_only)
        for (const char* suffix : {"", "-wal", "-shm"}) make_private_file(path + suffix);
    return db;
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        close();
        db_ = std::exchange(other.db_, nullptr);
        path_ = std::move(other.path_);
    }
    return *this;
}

Database::~Database() {
    close();
}

void Database::close() {
    // close_v2 defers the close until outstanding statements are finalized,
    // so destruction order between a Database and its Statements is free.
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = nullptr;
}

Status Database::exec(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return {};
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return unexpected(make_error(
        category(rc), fmt::format("{}: {} (sqlite code {})", sql.substr(0, 60), msg, rc)));
}

Expected<Statement, Error> Database::prepare(std::string_view sql, bool reused) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      reused ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return unexpected(to_error(rc, db_, fmt::format("prepare {}", sql)));
    }
    if (stmt == nullptr) {
        return unexpected(make_error(StoreErrc::sql, fmt::format("prepare {}: no statement", sql)));
    }
    return Statement(stmt, db_);
}

Expected<std::int64_t, Error> Database::query_int64(std::string_view sql) {
    auto stmt = prepare(sql);
    if (!stmt) return unexpected(stmt.error());
    auto row = stmt->step();
    if (!row) return unexpected(row.error());
    if (!*row) return unexpected(make_error(StoreErrc::sql, fmt::format("{}: no row", sql)));
    return stmt->column_int64(0);
}

Expected<std::string, Error> Database::query_text(std::string_view sql) {
    auto stmt = prepare(sql);
    if (!stmt) return unexpected(stmt.error());
    auto row = stmt->step();
    if (!row) return unexpected(row.error());
    if (!*row) return unexpected(make_error(StoreErrc::sql, fmt::format("{}: no row", sql)));
    return stmt->column_text(0);
}

bool Database::in_transaction() const {
    return db_ != nullptr && sqlite3_get_autocommit(db_) == 0;
}

std::int64_t Database::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

std::int64_t Database::changes() const {
    return sqlite3_changes64(db_);
}

// ---- Transaction ----

Expected<Transaction, Error> Transaction::begin(Database& db, TxMode mode) {
    auto r = db.exec(mode == TxMode::immediate ? "BEGIN IMMEDIATE" : "BEGIN");
    if (!r) return unexpected(r.error());
    return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
    rollback();
}

Status Transaction::commit() {
    if (db_ == nullptr) {
        return unexpected(make_error(StoreErrc::sql, "commit: transaction already finished"));
    }
    auto r = db_->exec("COMMIT");
    // A failed COMMIT (disk full, busy) leaves the transaction open; the
    // destructor or rollback() then ends it.
    if (!r) return r;
    db_ = nullptr;
    return {};
}

void Transaction::rollback() {
    if (db_ == nullptr) return;
    // SQLite may already have rolled back on its own after I/O or full-disk
    // errors; a ROLLBACK then would only fail.
    if (db_->in_transaction()) (void)db_->exec("ROLLBACK");
    db_ = nullptr;
}

}  // namespace ts::store::sqlite
