// The SQLite BrokerStateStore: callers append to a queue under a mutex and
// return; one writer thread swaps the queue out, coalesces it and commits it
// as one transaction, so the batch grows by itself when the disk is slow.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "core/thread_name.hpp"
#include "store/broker_state.hpp"
#include "store/broker_state_ops.hpp"
#include "store/broker_state_schema.hpp"
#include "store/broker_state_sql.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_db.hpp"

namespace ts::store {

namespace {

using namespace std::chrono_literals;
using sqlite::Database;
using sqlite::Status;

constexpr std::size_t kBacklogWarnOps = 100'000;
// Hysteresis, so a backlog hovering around the limit does not flood the log.
constexpr std::size_t kBacklogClearOps = 50'000;
// Vectors that grew in a burst are released afterwards instead of pinning
// the burst's memory for the life of the broker.
constexpr std::size_t kKeepCapacity = 4096;
constexpr auto kFirstRetryDelay = 50ms;
constexpr auto kMaxRetryDelay = 2000ms;
constexpr auto kShutdownRetryDelay = 100ms;
constexpr int kShutdownAttempts = 3;

// Errors that may pass on their own; the batch is retried. Any other error
// would repeat forever, so only the write that caused it is dropped.
bool is_transient(const Error& e) {
    switch (static_cast<StoreErrc>(e.code)) {
        case StoreErrc::busy:
        case StoreErrc::full:
        case StoreErrc::io:
        case StoreErrc::read_only:
        case StoreErrc::open_failed:
            return true;
        default:
            return false;
    }
}

class SqliteBrokerState final : public BrokerStateStore {
public:
    SqliteBrokerState(Database db, BrokerStateWriter writer)
        : log_(ts::log::get("store")), db_(std::move(db)), statements_(std::move(writer)) {}

    // Separate from the constructor so that a failure to start the thread
    // becomes an error value.
    Status start() {
        try {
            thread_ = std::thread([this] {
                name_this_thread("ts-state-write");
                writer_loop();
            });
        } catch (const std::system_error& e) {
            return unexpected(
                make_error(StoreErrc::sql, std::string("writer thread: ") + e.what()));
        }
        return {};
    }

    ~SqliteBrokerState() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        work_cv_.notify_all();
        // The writer drains the queue before it exits.
        if (thread_.joinable()) thread_.join();
    }

    Expected<BrokerSnapshot, Error> load() override {
        flush();
        std::lock_guard db_lock(db_mutex_);
        // One read transaction, so the four tables come from the same commit.
        auto tx = sqlite::Transaction::begin(db_);
        if (!tx) return unexpected(tx.error());
        return read_broker_snapshot(db_);
    }

    void put_retained(RetainedRecord r) override { enqueue(std::move(r)); }
    void delete_retained(std::string topic) override { enqueue(DeleteRetained{std::move(topic)}); }
    void put_session(SessionRecord s) override { enqueue(std::move(s)); }
    void delete_session(std::string client_id) override {
        enqueue(DeleteSession{std::move(client_id)});
    }
    void put_subscription(SubscriptionRecord s) override { enqueue(std::move(s)); }
    void delete_subscription(std::string client_id, std::string filter) override {
        enqueue(DeleteSubscription{std::move(client_id), std::move(filter)});
    }
    void put_message(QueuedMessageRecord m) override { enqueue(std::move(m)); }
    void delete_message(std::string client_id, std::uint64_t seq) override {
        enqueue(DeleteMessage{std::move(client_id), seq});
    }

    void flush() override {
        std::unique_lock lock(mutex_);
        const std::uint64_t target = enqueued_;
        done_cv_.wait(lock, [&] { return processed_ >= target; });
    }

    void set_drain_deadline(std::chrono::steady_clock::time_point deadline) override {
        {
            std::lock_guard lock(mutex_);
            drain_deadline_ = deadline;
        }
        // A writer waiting out a retry delay re-reads the rules now.
        work_cv_.notify_all();
    }

    BrokerStateStats stats() const override {
        BrokerStateStats s;
        {
            std::lock_guard lock(mutex_);
            s.queued_ops = enqueued_;
            s.backlog_ops = queue_.size() + in_flight_;
        }
        s.coalesced_ops = coalesced_ops_.load();
        s.committed_ops = committed_ops_.load();
        s.committed_batches = committed_batches_.load();
        s.write_errors = write_errors_.load();
        s.dropped_ops = dropped_ops_.load();
        s.last_write_failed = last_write_failed_.load();
        return s;
    }

private:
    void enqueue(BrokerStateOp op) {
        bool was_empty = false;
        {
            std::lock_guard lock(mutex_);
            was_empty = queue_.empty();
            queue_.push_back(std::move(op));
            ++enqueued_;
        }
        // The writer sleeps only on an empty queue, so only the first push
        // needs to wake it; later pushes are picked up by its next swap.
        if (was_empty) work_cv_.notify_one();
    }

    void writer_loop() {
        std::vector<BrokerStateOp> batch;
        for (;;) {
            {
                std::unique_lock lock(mutex_);
                work_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
                if (queue_.empty()) return;
                batch.swap(queue_);
                in_flight_ = batch.size();
            }
            const std::size_t drained = batch.size();
            note_backlog(drained);
            coalesced_ops_ += coalesce(batch);
            write_batch(batch);
            batch.clear();
            if (batch.capacity() > kKeepCapacity) std::vector<BrokerStateOp>().swap(batch);
            {
                std::lock_guard lock(mutex_);
                processed_ += drained;
                in_flight_ = 0;
            }
            done_cv_.notify_all();
        }
    }

    // Commits `batch`, retrying while the failure may pass; see the comment
    // on open_sqlite_broker_state.
    void write_batch(const std::vector<BrokerStateOp>& batch) {
        std::vector<bool> rejected(batch.size(), false);
        auto delay = std::chrono::milliseconds(kFirstRetryDelay);
        for (int attempt = 1;; ++attempt) {
            auto st = try_write(batch, rejected);
            last_write_failed_ = !st;
            if (st) return;
            ++write_errors_;
            const auto live =
                static_cast<std::size_t>(std::count(rejected.begin(), rejected.end(), false));
            bool stopping = false;
            std::optional<std::chrono::steady_clock::time_point> deadline;
            std::size_t queued = 0;
            {
                std::lock_guard lock(mutex_);
                stopping = stopping_;
                deadline = drain_deadline_;
                queued = queue_.size();
            }
            // Draining for shutdown: short retries until the deadline, then
            // give up, so that shutdown ends even on a full disk.
            const bool draining = stopping || deadline.has_value();
            const bool out_of_time = deadline && std::chrono::steady_clock::now() >= *deadline;
            if (out_of_time || (stopping && !deadline && attempt >= kShutdownAttempts)) {
                dropped_ops_ += live;
                log_->error("store closing: dropped {} writes after {} failed attempts: {}", live,
                            attempt, st.error().message);
                return;
            }
            log_->error("writing {} operations failed (attempt {}), retrying in {} ms: {}", live,
                        attempt, draining ? kShutdownRetryDelay.count() : delay.count(),
                        st.error().message);
            note_backlog(batch.size() + queued);
            if (draining) {
                std::this_thread::sleep_for(kShutdownRetryDelay);
            } else {
                std::unique_lock lock(mutex_);
                work_cv_.wait_for(lock, delay,
                                  [&] { return stopping_ || drain_deadline_.has_value(); });
            }
            delay = std::min(delay * 2, std::chrono::milliseconds(kMaxRetryDelay));
        }
    }

    // One transaction for the whole batch. Writes SQLite rejects for good are
    // marked in `rejected` and skipped on later attempts.
    Status try_write(const std::vector<BrokerStateOp>& batch, std::vector<bool>& rejected) {
        std::lock_guard db_lock(db_mutex_);
        // IMMEDIATE takes the write lock up front, so a lock conflict shows up
        // here (after busy_timeout) rather than half-way through the batch.
        auto tx = sqlite::Transaction::begin(db_, sqlite::TxMode::immediate);
        if (!tx) return unexpected(tx.error());
        std::uint64_t written = 0;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (rejected[i]) continue;
            auto st = statements_.apply(batch[i]);
            if (st) {
                ++written;
                continue;
            }
            const bool transient = is_transient(st.error());
            if (!transient) {
                rejected[i] = true;
                ++write_errors_;
                ++dropped_ops_;
                log_->error("dropped a write that SQLite rejects: {}", st.error().message);
            }
            // After some errors SQLite has rolled the transaction back by
            // itself, and the writes before this one are gone with it.
            if (transient || !db_.in_transaction()) return st;
        }
        if (auto st = tx->commit(); !st) return st;
        committed_ops_ += written;
        ++committed_batches_;
        return {};
    }

    // Called on the writer thread only.
    void note_backlog(std::size_t backlog) {
        if (!backlog_warned_ && backlog > kBacklogWarnOps) {
            backlog_warned_ = true;
            log_->warn("write backlog at {} operations: the disk is not keeping up", backlog);
        } else if (backlog_warned_ && backlog < kBacklogClearOps) {
            backlog_warned_ = false;
            log_->info("write backlog back down to {} operations", backlog);
        }
    }

    std::shared_ptr<spdlog::logger> log_;

    // The connection and its statements: used by the writer thread, and by
    // load() in between batches.
    std::mutex db_mutex_;
    Database db_;
    BrokerStateWriter statements_;

    mutable std::mutex mutex_;
    std::condition_variable work_cv_;  // the writer waits for work (or stop)
    std::condition_variable done_cv_;  // flush() waits for processed_
    std::vector<BrokerStateOp> queue_;
    std::uint64_t enqueued_ = 0;   // operations ever queued
    std::uint64_t processed_ = 0;  // of those, committed or dropped; queue order
    std::size_t in_flight_ = 0;
    bool stopping_ = false;
    // Set when shutdown starts (set_drain_deadline).
    std::optional<std::chrono::steady_clock::time_point> drain_deadline_;

    bool backlog_warned_ = false;  // writer thread only
    std::atomic<std::uint64_t> coalesced_ops_{0};
    std::atomic<std::uint64_t> committed_ops_{0};
    std::atomic<std::uint64_t> committed_batches_{0};
    std::atomic<std::uint64_t> write_errors_{0};
    std::atomic<std::uint64_t> dropped_ops_{0};
    std::atomic<bool> last_write_failed_{false};

    std::thread thread_;
};

}  // namespace

Expected<std::unique_ptr<BrokerStateStore>, Error> open_sqlite_broker_state(
    const std::string& path) {
    return open_sqlite_broker_state(path, SqliteBrokerStateOptions{});
}

Expected<std::unique_ptr<BrokerStateStore>, Error> open_sqlite_broker_state(
    const std::string& path, const SqliteBrokerStateOptions& options) {
    auto db = Database::open(path, sqlite::OpenOptions{.busy_timeout_ms = options.busy_timeout_ms});
    if (!db) return unexpected(db.error());
    auto version = apply_migrations(*db, kBrokerStateComponent, broker_state_migrations());
    if (!version) return unexpected(version.error());
    auto stmts = BrokerStateWriter::prepare(*db);
    if (!stmts) return unexpected(stmts.error());
    auto store = std::make_unique<SqliteBrokerState>(std::move(*db), std::move(*stmts));
    if (auto st = store->start(); !st) return unexpected(st.error());
    ts::log::get("store")->info("broker state opened: path={} schema_version={}", path, *version);
    return std::unique_ptr<BrokerStateStore>(std::move(store));
}

}  // namespace ts::store
