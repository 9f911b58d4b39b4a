#pragma once
// Connection state written behind: mark_online runs on the broker's event
// loops and must not wait for the disk, so it hands a record to this writer
// and returns. One thread commits what has accumulated as one
// transaction, at most every kGather (a flush does not wait for it); records
// for the same device coalesce to the latest.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "registry/registry.hpp"

namespace ts::registry {

// What is stored of a device's connection state, whole, so the latest
// record alone is enough. Whether it is online now is not stored: no
// connection survives a restart.
struct StatusRecord {
    std::string product_key;
    std::string device_name;
    std::int64_t first_online_time = 0;
    std::int64_t last_online_time = 0;
    std::string ip_address;
};

class StatusWriter {
public:
    using WriteFn = std::function<Result<void>(const std::vector<StatusRecord>&)>;

    explicit StatusWriter(WriteFn write) : write_(std::move(write)) {}
    StatusWriter(const StatusWriter&) = delete;
    StatusWriter& operator=(const StatusWriter&) = delete;
    // Writes what is pending, then stops the thread.
    ~StatusWriter();

    Result<void> start();
    void enqueue(StatusRecord record);
    // Drops a pending record, for a device that was just deleted.
    void forget(const std::string& pk, const std::string& dn);
    // Returns once everything enqueued before the call was written or given up.
    void flush();
    // Whether the last write attempted failed (for /readyz); any thread.
    bool last_write_failed() const { return last_write_failed_.load(); }

private:
    void run();
    void write_with_retry(std::vector<StatusRecord>& batch);

    WriteFn write_;
    std::mutex mutex_;
    std::condition_variable work_cv_;
    std::condition_variable done_cv_;
    std::unordered_map<std::string, StatusRecord> pending_;  // key: pk '/' dn
    std::uint64_t enqueued_ = 0;
    std::uint64_t taken_ = 0;      // enqueue count covered by the batch in hand
    std::uint64_t processed_ = 0;  // enqueue count written (or given up)
    int flush_waiters_ = 0;        // flush() calls waiting: write without gathering
    bool stopping_ = false;
    std::atomic<bool> last_write_failed_{false};
    std::thread thread_;
};

}  // namespace ts::registry
