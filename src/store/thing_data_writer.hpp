#pragma once
// The writer connection's prepared statements, and applying the queued
// operations of a batch with them.
#include <array>
#include <cstddef>

#include "core/error.hpp"
#include "core/expected.hpp"
#include "store/sqlite_db.hpp"
#include "store/thing_data_latest.hpp"
#include "store/thing_data_ops.hpp"

namespace ts::store {

// Prepared once and reused for every batch; writer thread only.
class ThingDataWriter {
public:
    static Expected<ThingDataWriter, Error> prepare(sqlite::Database& db);

    // Runs `op` in the connection's current transaction. The latest values
    // of property posts are only collected (see BatchLatest), so `op` must
    // stay alive until finish_batch() or abandon_batch().
    sqlite::Status apply(const ThingDataOp& op);
    // Writes the collected latest values; call before COMMIT.
    sqlite::Status finish_batch();
    // Forgets the collected latest values, after a failure.
    void abandon_batch() { latest_.clear(); }

private:
    sqlite::Status put_properties(const PutProperties& p);
    sqlite::Status delete_device_data(const DeleteDeviceData& d);

    sqlite::Statement put_latest_;
    sqlite::Statement put_history_;
    sqlite::Statement put_event_;
    sqlite::Statement put_call_;
    sqlite::Statement put_shadow_;
    sqlite::Statement delete_shadow_;
    sqlite::Statement put_desired_;
    sqlite::Statement delete_desired_;
    // delete_device_data: one statement per table that holds device rows.
    static constexpr std::size_t kDeviceTables = 6;
    std::array<sqlite::Statement, kDeviceTables> delete_device_;

    BatchLatest latest_;
};

}  // namespace ts::store
