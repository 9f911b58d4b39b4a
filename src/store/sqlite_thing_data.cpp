// The SQLite ThingDataStore. Data-plane writes are appended to a queue under
// a mutex and the caller returns; one writer thread swaps the whole queue
// out and applies it as one transaction on its own connection, so the batch
// grows by itself when the disk is slow. Posts and events (what devices
// send) are refused with done(false) once kMaxBacklogOps operations wait, so
// devices that outrun the disk get an error reply instead of growing the
// queue without bound; the rest is small and driven by management calls. Reads and management
// writes go through a second connection (ThingDataReader), so they never wait behind a batch.
// The callbacks of a committed batch (the replies to devices) run on a
// completion thread, in batch order, while the writer commits the next batch.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdlib>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/thread_name.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_db.hpp"
#include "store/thing_data.hpp"
#include "store/thing_data_ops.hpp"
#include "store/thing_data_reader.hpp"
#include "store/thing_data_schema.hpp"
#include "store/thing_data_writer.hpp"

namespace ts::store {

namespace {

using namespace std::chrono_literals;
using sqlite::Database;
using sqlite::Status;

constexpr const char* kWriterCacheSize = "PRAGMA cache_size = -65536";  // KiB: 64 MiB
constexpr std::size_t kBacklogWarnValues = 500'000;
constexpr std::uint64_t kMaxBacklogOps = 50'000;
// Hysteresis, so a backlog hovering around the limit does not flood the log.
constexpr std::size_t kBacklogClearValues = 250'000;
// A batch that cannot be committed is retried a few times (a lock held by
// another connection, a disk that was briefly full), then dropped with
// done(false): telemetry that waited longer would only grow the queue while
// devices go on posting.
constexpr int kMaxAttempts = 4;
constexpr auto kFirstRetryDelay = 50ms;
// Writes SQLite rejects for good are dropped one by one; this many in one
// batch means the schema or file is broken rather than one write.
constexpr int kMaxRejectedPerBatch = 8;

// Errors that come from one write's content rather than the database.
bool is_write_specific(const Error& e) {
    const auto code = static_cast<StoreErrc>(e.code);
    return code == StoreErrc::constraint || code == StoreErrc::sql;
}

WriteDone* done_of(ThingDataOp& op) {
    if (auto* p = std::get_if<PutProperties>(&op)) return &p->done;
    if (auto* e = std::get_if<PutEvent>(&op)) return &e->done;
    return nullptr;
}

class SqliteThingData final : public ThingDataStore {
public:
    SqliteThingData(Database writer_db, ThingDataWriter writer, Database reader_db)
        : log_(ts::log::get("store")),
          db_(std::move(writer_db)),
          writer_(std::move(writer)),
          reader_(std::move(reader_db)) {}

    // Separate from the constructor so that a failure to start the thread
    // becomes an error value.
    Status start() {
        try {
            completion_thread_ = std::thread([this] {
                name_this_thread("ts-data-done");
                completion_loop();
            });
            thread_ = std::thread([this] {
                name_this_thread("ts-data-write");
                writer_loop();
            });
        } catch (const std::system_error& e) {
            return unexpected(
                make_error(StoreErrc::sql, std::string("writer thread: ") + e.what()));
        }
        return {};
    }

    ~SqliteThingData() override {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        work_cv_.notify_all();
        // The writer drains the queue before it exits, then the completion
        // thread runs the callbacks of what the writer handed it.
        if (thread_.joinable()) thread_.join();
        {
            std::lock_guard lock(completion_mutex_);
            writer_done_ = true;
        }
        completion_cv_.notify_all();
        if (completion_thread_.joinable()) completion_thread_.join();
    }

    void put_properties(const std::string& pk, const std::string& dn,
                        std::vector<PropertyValue> values, WriteDone done) override {
        if (!admit(done)) return;
        enqueue(PutProperties{pk, dn, std::move(values), std::move(done)});
    }
    void put_event(EventRecord event, WriteDone done) override {
        if (!admit(done)) return;
        enqueue(PutEvent{std::move(event), std::move(done)});
    }
    void put_call(CallRecord call) override { enqueue(std::move(call)); }
    void put_shadow(ShadowRecord shadow) override { enqueue(std::move(shadow)); }
    void delete_shadow(const std::string& pk, const std::string& dn) override {
        enqueue(DeleteShadow{pk, dn});
    }
    void put_desired(DesiredValue value) override { enqueue(std::move(value)); }
    void delete_desired(const std::string& pk, const std::string& dn,
                        const std::string& identifier) override {
        enqueue(DeleteDesired{pk, dn, identifier});
    }
    void delete_device_data(const std::string& pk, const std::string& dn) override {
        enqueue(DeleteDeviceData{pk, dn});
    }

    void flush() override {
        // From a done callback (the completion thread) this would wait for
        // itself; what was queued before the callback's own write is
        // committed already.
        if (std::this_thread::get_id() == thread_.get_id() ||
            std::this_thread::get_id() == completion_thread_.get_id())
            return;
        std::unique_lock lock(mutex_);
        const std::uint64_t target = enqueued_;
        done_cv_.wait(lock, [&] { return processed_ >= target; });
    }

    void set_drain_deadline(std::chrono::steady_clock::time_point deadline) override {
        std::lock_guard lock(mutex_);
        drain_deadline_ = deadline;
    }

    Unsaved unsaved() const override { return {unsaved_values_.load(), unsaved_other_.load()}; }
    bool last_write_failed() const override { return last_write_failed_.load(); }

    Expected<std::vector<PropertyValue>, Error> latest_properties(const std::string& pk,
                                                                  const std::string& dn) override {
        return reader_.latest_properties(pk, dn);
    }
    Expected<HistoryPage<PropertyValue>, Error> property_history(const std::string& pk,
                                                                 const std::string& dn,
                                                                 const std::string& identifier,
                                                                 const HistoryQuery& q) override {
        return reader_.property_history(pk, dn, identifier, q);
    }
    Expected<std::vector<AggregateBucket>, Error> property_aggregate(
        const std::string& pk, const std::string& dn, const std::string& identifier,
        std::int64_t from, std::int64_t to, std::int64_t interval_ms) override {
        return reader_.property_aggregate(pk, dn, identifier, from, to, interval_ms);
    }
    Expected<HistoryPage<EventRecord>, Error> events(const std::string& pk, const std::string& dn,
                                                     const std::string& identifier,
                                                     const HistoryQuery& q) override {
        return reader_.events(pk, dn, identifier, q);
    }
    Expected<HistoryPage<CallRecord>, Error> calls(const std::string& pk, const std::string& dn,
                                                   const HistoryQuery& q) override {
        return reader_.calls(pk, dn, q);
    }
    Expected<void, Error> put_thing_model(const std::string& pk,
                                          const std::string& document_json) override {
        // updated_time is shown to operators only, so the wall clock is read
        // here rather than injected.
        return reader_.put_thing_model(pk, document_json, SystemClock{}.wall_ms());
    }
    Expected<void, Error> delete_thing_model(const std::string& pk) override {
        return reader_.delete_thing_model(pk);
    }
    Expected<std::vector<std::pair<std::string, std::string>>, Error> load_thing_models() override {
        return reader_.load_thing_models();
    }
    Expected<std::vector<ShadowRecord>, Error> load_shadows() override {
        return reader_.load_shadows();
    }
    Expected<std::vector<DesiredValue>, Error> load_desired() override {
        return reader_.load_desired();
    }
    Expected<void, Error> put_config(const ConfigFile& file) override {
        return reader_.put_config(file);
    }
    Expected<std::optional<ConfigFile>, Error> get_config(const std::string& pk) override {
        return reader_.get_config(pk);
    }

private:
    // False (and done(false) called here) when the backlog is at its bound.
    bool admit(const WriteDone& done) {
        {
            std::lock_guard lock(mutex_);
            if (enqueued_ - processed_ < kMaxBacklogOps) return true;
            ++refused_;
            if (refused_ % 10'000 == 1)
                log_->warn("thing data backlog at {} operations: device data refused ({} so far)",
                           kMaxBacklogOps, refused_);
        }
        if (done) done(false);
        return false;
    }

    void enqueue(ThingDataOp op) {
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
        for (;;) {
            Completed batch;
            {
                std::unique_lock lock(mutex_);
                work_cv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
                if (queue_.empty()) {
                    // Stopping. Callbacks still to run may queue writes of
                    // their own: done once they have all run and queued none.
                    lock.unlock();
                    if (!callbacks_queued_more()) return;
                    continue;
                }
                batch.ops.swap(queue_);
            }
            note_backlog(batch.ops);
            write_batch(batch.ops, batch.ok);
            // Handed over in commit order; at most kCompletionsAhead batches
            // wait for their callbacks, so a slow callback slows the writer
            // instead of piling up committed batches.
            std::unique_lock lock(completion_mutex_);
            completion_room_cv_.wait(lock, [&] { return completions_.size() < kCompletionsAhead; });
            const bool was_empty = completions_.empty();
            completions_.push_back(std::move(batch));
            ++unfinished_batches_;
            lock.unlock();
            if (was_empty) completion_cv_.notify_one();
        }
    }

    // Completion thread: the callbacks of each committed batch, in order.
    // processed_ moves after them, so that once flush() returns the callbacks
    // of everything before it have run.
    void completion_loop() {
        for (;;) {
            Completed batch;
            {
                std::unique_lock lock(completion_mutex_);
                completion_cv_.wait(lock, [&] { return !completions_.empty() || writer_done_; });
                if (completions_.empty()) return;
                batch = std::move(completions_.front());
                completions_.pop_front();
            }
            completion_room_cv_.notify_one();
            for (std::size_t i = 0; i < batch.ops.size(); ++i) {
                if (WriteDone* done = done_of(batch.ops[i]); done != nullptr && *done) {
                    call_done(*done, batch.ok[i]);
                }
            }
            const std::size_t drained = batch.ops.size();
            batch.ops.clear();  // destroys the callbacks' captures here, not under a lock
            {
                std::lock_guard lock(mutex_);
                processed_ += drained;
            }
            done_cv_.notify_all();
            {
                std::lock_guard lock(completion_mutex_);
                --unfinished_batches_;
            }
            completion_room_cv_.notify_all();
        }
    }

    // Writer, when stopping with nothing queued: waits until every committed
    // batch's callbacks have run, then tells whether they queued writes.
    bool callbacks_queued_more() {
        {
            std::unique_lock lock(completion_mutex_);
            completion_room_cv_.wait(lock, [&] { return unfinished_batches_ == 0; });
        }
        std::lock_guard lock(mutex_);
        return !queue_.empty();
    }

    // Commits `batch`; ok[i] tells whether batch[i] is in the database.
    void write_batch(const std::vector<ThingDataOp>& batch, std::vector<bool>& ok) {
        ok.assign(batch.size(), true);
        int rejected = 0;
        auto delay = std::chrono::milliseconds(kFirstRetryDelay);
        for (int attempt = 1;;) {
            std::size_t failed_at = batch.size();
            auto st = try_write(batch, ok, failed_at);
            last_write_failed_ = !st;
            if (st) return;
            if (failed_at < batch.size() && is_write_specific(st.error()) &&
                ++rejected <= kMaxRejectedPerBatch) {
                // The transaction is rolled back; the rest goes again at once,
                // so that every committed operation is whole.
                ok[failed_at] = false;
                note_unsaved(batch[failed_at]);
                log_->error("dropped a write that SQLite rejects: {}", st.error().message);
                continue;
            }
            if (attempt >= kMaxAttempts || rejected > kMaxRejectedPerBatch || past_deadline()) {
                const auto lost = static_cast<std::size_t>(std::count(ok.begin(), ok.end(), true));
                log_->error("dropped {} writes after {} failed attempts: {}", lost, attempt,
                            st.error().message);
                for (std::size_t i = 0; i < batch.size(); ++i)
                    if (ok[i]) note_unsaved(batch[i]);
                std::fill(ok.begin(), ok.end(), false);
                return;
            }
            log_->warn("writing {} operations failed (attempt {}), retrying in {} ms: {}",
                       batch.size(), attempt, delay.count(), st.error().message);
            std::this_thread::sleep_for(delay);
            delay *= 2;
            ++attempt;
        }
    }

    // One transaction for the operations still marked ok. On failure,
    // failed_at names the operation that failed (batch.size() when it was
    // BEGIN or COMMIT); the transaction is rolled back either way.
    Status try_write(const std::vector<ThingDataOp>& batch, const std::vector<bool>& ok,
                     std::size_t& failed_at) {
        // IMMEDIATE takes the write lock up front, so a lock conflict shows up
        // here (after busy_timeout) rather than half-way through the batch.
        auto tx = sqlite::Transaction::begin(db_, sqlite::TxMode::immediate);
        if (!tx) return unexpected(tx.error());
        writer_.begin_batch();
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (!ok[i]) continue;
            if (auto st = writer_.apply(batch[i]); !st) {
                writer_.abandon_batch();
                failed_at = i;
                return st;
            }
        }
        auto st = writer_.finish_batch();
        if (st) st = tx->commit();
        if (!st) writer_.abandon_batch();
        return st;
    }

    void call_done(WriteDone& done, bool ok) {
        // The callback is the caller's code; if it throws, the writer thread
        // must live on for everyone else's writes.
        try {
            done(ok);
        } catch (const std::exception& e) {
            log_->error("a thing data write callback threw: {}", e.what());
        } catch (...) {
            log_->error("a thing data write callback threw");
        }
    }

    // Shutdown has a deadline and it has passed: no more retries.
    bool past_deadline() {
        std::lock_guard lock(mutex_);
        return drain_deadline_ && std::chrono::steady_clock::now() >= *drain_deadline_;
    }

    void note_unsaved(const ThingDataOp& op) {
        if (std::holds_alternative<PutProperties>(op))
            unsaved_values_ += op_weight(op);
        else
            ++unsaved_other_;
    }

    // Writer thread only.
    void note_backlog(const std::vector<ThingDataOp>& batch) {
        std::size_t values = 0;
        for (const auto& op : batch) values += op_weight(op);
        if (!backlog_warned_ && values > kBacklogWarnValues) {
            backlog_warned_ = true;
            log_->warn("thing data write backlog at {} values: the disk is not keeping up", values);
        } else if (backlog_warned_ && values < kBacklogClearValues) {
            backlog_warned_ = false;
            log_->info("thing data write backlog back down to {} values", values);
        }
    }

    std::shared_ptr<spdlog::logger> log_;

    // The writer's connection and statements: writer thread only.
    Database db_;
    ThingDataWriter writer_;
    bool backlog_warned_ = false;
    std::atomic<bool> last_write_failed_{false};

    ThingDataReader reader_;

    std::mutex mutex_;
    std::condition_variable work_cv_;  // the writer waits for work (or stop)
    std::condition_variable done_cv_;  // flush() waits for processed_
    std::vector<ThingDataOp> queue_;
    std::uint64_t enqueued_ = 0;   // operations ever queued
    std::uint64_t processed_ = 0;  // of those, committed or dropped; queue order
    std::uint64_t refused_ = 0;    // posts and events refused at the backlog bound
    bool stopping_ = false;
    std::optional<std::chrono::steady_clock::time_point> drain_deadline_;
    std::atomic<std::uint64_t> unsaved_values_{0};
    std::atomic<std::uint64_t> unsaved_other_{0};

    // Committed batches waiting for their callbacks (completion thread).
    struct Completed {
        std::vector<ThingDataOp> ops;
        std::vector<bool> ok;
    };
    static constexpr std::size_t kCompletionsAhead = 4;
    std::mutex completion_mutex_;
    std::condition_variable completion_cv_;       // the completion thread waits for a batch
    std::condition_variable completion_room_cv_;  // the writer waits for room or for idle
    std::deque<Completed> completions_;
    std::size_t unfinished_batches_ = 0;  // handed over, callbacks not all run yet
    bool writer_done_ = false;

    std::thread completion_thread_;
    std::thread thread_;
};

}  // namespace

Expected<std::unique_ptr<ThingDataStore>, Error> open_sqlite_thing_data(const std::string& path) {
    auto db = Database::open(path);
    if (!db) return unexpected(db.error());
    // A batch's dirty pages must fit in the page cache, or SQLite spills
    // them into the WAL in the middle of the transaction and reads them back:
    // at SQLite's default of 2 MiB, 200,000 values ran at half the rate. The
    // cache grows to this size only when a batch needs it.
    if (auto st = db->exec(kWriterCacheSize); !st) return unexpected(st.error());
    auto version = apply_migrations(*db, kThingDataComponent, thing_data_migrations());
    if (!version) return unexpected(version.error());
    auto writer = ThingDataWriter::prepare(*db);
    if (!writer) return unexpected(writer.error());
    // Opened after the migrations, so that it never sees a partial schema.
    auto reader_db = Database::open(path);
    if (!reader_db) return unexpected(reader_db.error());
    auto store = std::make_unique<SqliteThingData>(std::move(*db), std::move(*writer),
                                                   std::move(*reader_db));
    if (auto st = store->start(); !st) return unexpected(st.error());
    ts::log::get("store")->info("thing data opened: path={} schema_version={}", path, *version);
    return std::unique_ptr<ThingDataStore>(std::move(store));
}

}  // namespace ts::store
