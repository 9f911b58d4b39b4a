// The connection-state writer: records coalesce per device, are written in
// key order, and nothing enqueued is lost to a flush or to shutdown.
#include "registry/status_writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace ts::registry {
namespace {

StatusRecord record(std::string pk, std::string dn, std::int64_t t) {
    StatusRecord r;
    r.product_key = std::move(pk);
    r.device_name = std::move(dn);
    r.last_online_time = t;
    return r;
}

struct Written {
    std::mutex mutex;
    std::vector<std::vector<StatusRecord>> batches;

    StatusWriter::WriteFn fn() {
        return [this](const std::vector<StatusRecord>& batch) -> Result<void> {
            std::lock_guard lock(mutex);
            batches.push_back(batch);
            return {};
        };
    }
    std::vector<StatusRecord> all() {
        std::lock_guard lock(mutex);
        std::vector<StatusRecord> out;
        for (const auto& b : batches) out.insert(out.end(), b.begin(), b.end());
        return out;
    }
};

TEST(StatusWriter, FlushWritesTheLatestRecordOfEachDeviceInKeyOrder) {
    Written written;
    StatusWriter w(written.fn());
    ASSERT_TRUE(w.start());
    for (int i = 199; i >= 0; --i) w.enqueue(record("p1", "dev" + std::to_string(i), i));
    w.enqueue(record("p2", "b", 1));
    w.enqueue(record("p2", "a", 2));
    w.enqueue(record("p2", "a", 4));  // the same device again: the latest wins
    w.flush();

    auto all = written.all();
    ASSERT_EQ(all.size(), 202u);
    std::lock_guard lock(written.mutex);
    for (const auto& batch : written.batches)
        for (std::size_t i = 1; i < batch.size(); ++i)
            EXPECT_LT(batch[i - 1].product_key + "/" + batch[i - 1].device_name,
                      batch[i].product_key + "/" + batch[i].device_name);
    for (const auto& r : all) {
        if (r.product_key == "p2" && r.device_name == "a") {
            EXPECT_EQ(r.last_online_time, 4);
        }
    }
}

TEST(StatusWriter, FlushReturnsWithEverythingEnqueuedBeforeIt) {
    Written written;
    StatusWriter w(written.fn());
    ASSERT_TRUE(w.start());
    for (int round = 0; round < 20; ++round) {
        for (int i = 0; i < 50; ++i)
            w.enqueue(record("pk", "dev" + std::to_string(round * 50 + i), round));
        w.flush();
        EXPECT_EQ(written.all().size(), static_cast<std::size_t>((round + 1) * 50));
    }
}

TEST(StatusWriter, TellsWhetherTheLastWriteFailed) {
    std::atomic<bool> fail{true};
    StatusWriter w([&fail](const std::vector<StatusRecord>&) -> Result<void> {
        if (fail) return unexpected(RegistryError{Errc::StorageError, "disk full"});
        return {};
    });
    ASSERT_TRUE(w.start());
    EXPECT_FALSE(w.last_write_failed());
    w.enqueue(record("pk", "a", 1));
    w.flush();  // given up after its attempts
    EXPECT_TRUE(w.last_write_failed());
    fail = false;
    w.enqueue(record("pk", "b", 2));
    w.flush();
    EXPECT_FALSE(w.last_write_failed());
}

TEST(StatusWriter, StoppingWritesWhatIsPending) {
    Written written;
    {
        StatusWriter w(written.fn());
        ASSERT_TRUE(w.start());
        for (int i = 0; i < 100; ++i) w.enqueue(record("pk", "dev" + std::to_string(i), i));
    }
    EXPECT_EQ(written.all().size(), 100u);
}

}  // namespace
}  // namespace ts::registry
