#include "registry/status_writer.hpp"

#include <algorithm>
#include <chrono>
#include <system_error>
#include <tuple>

#include "core/log.hpp"
#include "core/thread_name.hpp"

namespace ts::registry {

namespace {

using namespace std::chrono_literals;

// Connection state is advisory (the cache is authoritative while running),
// so a write that keeps failing is given up after a few tries instead of
// holding an ever-growing backlog.
constexpr int kAttempts = 5;
constexpr auto kRetryDelay = 200ms;
// A fleet reconnecting at thousands per second made one small transaction
// per wake-up of this thread: its commits were a quarter of the platform's
// CPU per signed connect (docs/benchmarks-props.md). Records gathered for
// this long share one commit; the cache is what readers see meanwhile. A
// commit rewrites most of the table's pages when a fleet connects (10,000
// devices fill ~130), so longer batches make each record cheaper: 250 ms
// instead of 50 saved ~1.7 of ~26 CPU-µs per signed connect. A crash loses
// at most that much of the last-online times; shutdown writes them all.
constexpr auto kGather = 250ms;

std::string key_of(const std::string& pk, const std::string& dn) {
    return pk + '/' + dn;
}

}  // namespace

StatusWriter::~StatusWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

Result<void> StatusWriter::start() {
    try {
        thread_ = std::thread([this] {
            name_this_thread("ts-status");
            run();
        });
    } catch (const std::system_error& e) {
        return unexpected(
            RegistryError{Errc::StorageError, std::string("status writer thread: ") + e.what()});
    }
    return {};
}

void StatusWriter::enqueue(StatusRecord record) {
    std::string key = key_of(record.product_key, record.device_name);
    bool was_empty = false;
    {
        std::lock_guard lock(mutex_);
        was_empty = pending_.empty();
        pending_.insert_or_assign(std::move(key), std::move(record));
        ++enqueued_;
    }
    if (was_empty) work_cv_.notify_one();
}

void StatusWriter::forget(const std::string& pk, const std::string& dn) {
    std::lock_guard lock(mutex_);
    pending_.erase(key_of(pk, dn));
}

void StatusWriter::flush() {
    std::unique_lock lock(mutex_);
    const std::uint64_t target = enqueued_;
    ++flush_waiters_;
    work_cv_.notify_one();
    done_cv_.wait(lock, [&] { return processed_ >= target || !thread_.joinable(); });
    --flush_waiters_;
}

void StatusWriter::run() {
    std::vector<StatusRecord> batch;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            work_cv_.wait(lock,
                          [&] { return !pending_.empty() || stopping_ || processed_ < enqueued_; });
            if (pending_.empty()) {
                // forget() may have emptied the queue under enqueued records.
                processed_ = enqueued_;
                done_cv_.notify_all();
                if (stopping_) return;
                continue;
            }
            work_cv_.wait_for(lock, kGather, [&] { return stopping_ || flush_waiters_ > 0; });
            batch.reserve(pending_.size());
            for (auto& [key, record] : pending_) batch.push_back(std::move(record));
            pending_.clear();
            taken_ = enqueued_;
        }
        // In key order, neighbours in the table's B-tree are updated together.
        std::sort(batch.begin(), batch.end(), [](const StatusRecord& a, const StatusRecord& b) {
            return std::tie(a.product_key, a.device_name) < std::tie(b.product_key, b.device_name);
        });
        write_with_retry(batch);
        batch.clear();
        {
            std::lock_guard lock(mutex_);
            processed_ = taken_;
        }
        done_cv_.notify_all();
    }
}

void StatusWriter::write_with_retry(std::vector<StatusRecord>& batch) {
    for (int attempt = 1;; ++attempt) {
        auto r = write_(batch);
        last_write_failed_ = !r;
        if (r) return;
        if (attempt >= kAttempts) {
            log::get("registry")
                ->error("dropped connection state of {} devices after {} attempts: {}",
                        batch.size(), attempt, r.error().message);
            return;
        }
        log::get("registry")
            ->warn("writing connection state of {} devices failed (attempt {}): {}", batch.size(),
                   attempt, r.error().message);
        std::this_thread::sleep_for(kRetryDelay);
    }
}

}  // namespace ts::registry
