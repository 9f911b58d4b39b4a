#pragma once
// The writer connection's prepared statements, and applying the queued
// operations of a batch with them.
#include <array>
#include <cstddef>

#include "core/error.hpp"
#include "core/expected.hpp"
#include "store/property_series_ids.hpp"
#include "store/sqlite_db.hpp"
#include "store/thing_data_latest.hpp"
#include "store/thing_data_ops.hpp"

namespace ts::store {

// Prepared once and reused for every batch; writer thread only.
class ThingDataWriter {
public:
    static Expected<ThingDataWriter, Error> prepare(sqlite::Database& db);

    // Call after BEGIN.
    void begin_batch() { series_ids_.begin_batch(); }
    // Runs `op` in the connection's current transaction. The latest values
    // of property posts are only collected (see BatchLatest), so `op` must
    // stay alive until finish_batch() or abandon_batch().
    sqlite::Status apply(const ThingDataOp& op);
    // Writes the collected latest values; call before COMMIT.
    sqlite::Status finish_batch();
    // After any failure in the transaction (it is rolled back): forgets the
    // collected latest values and the series the transaction created.
    void abandon_batch() {
        latest_.clear();
        series_ids_.rollback();
    }

private:
    sqlite::Status put_properties(const PutProperties& p);
    sqlite::Status delete_device_data(const DeleteDeviceData& d);
    // The id of the series of `value`, created (holding `value` as its
    // latest) when the database has none.
    Expected<std::int64_t, Error> series_id(const PutProperties& p, const PropertyValue& value);

    sqlite::Statement find_series_;
    sqlite::Statement create_series_;
    sqlite::Statement put_latest_;
    sqlite::Statement put_history_;
    sqlite::Statement put_event_;
    sqlite::Statement put_call_;
    sqlite::Statement put_shadow_;
    sqlite::Statement delete_shadow_;
    sqlite::Statement put_desired_;
    sqlite::Statement delete_desired_;
    // delete_device_data: one statement per table that holds device rows,
    // property_history (keyed by series) before property_series.
    static constexpr std::size_t kDeviceTables = 6;
    std::array<sqlite::Statement, kDeviceTables> delete_device_;

    PropertySeriesIds series_ids_;
    BatchLatest latest_;
};

}  // namespace ts::store
