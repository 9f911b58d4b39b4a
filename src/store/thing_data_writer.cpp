#include "store/thing_data_writer.hpp"
#include "core/overloaded.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

namespace ts::store {

namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Status;

template <class... Args>
Status exec(Statement& stmt, const Args&... args) {
    if (auto st = stmt.bind_all(args...); !st) {
        stmt.reset();
        return st;
    }
    return stmt.run();
}

// Deletes the rows of one device (?1 pk, ?2 dn) from every table that holds
// them. property_history rows name their series only, so they go first.
constexpr std::string_view kDeleteDeviceSql[] = {
    "DELETE FROM property_history WHERE series IN "
    "(SELECT id FROM property_series WHERE pk = ?1 AND dn = ?2)",
    "DELETE FROM property_series WHERE pk = ?1 AND dn = ?2",
    "DELETE FROM events WHERE pk = ?1 AND dn = ?2",
    "DELETE FROM calls WHERE pk = ?1 AND dn = ?2",
    "DELETE FROM shadows WHERE pk = ?1 AND dn = ?2",
    "DELETE FROM desired WHERE pk = ?1 AND dn = ?2",
};

// The first column of the first row, if any.
template <class... Args>
Expected<std::optional<std::int64_t>, Error> first_int64(Statement& stmt, const Args&... args) {
    if (auto st = stmt.bind_all(args...); !st) {
        stmt.reset();
        return unexpected(st.error());
    }
    std::optional<std::int64_t> out;
    auto st = sqlite::for_each_row(stmt, [&](const Statement& s) {
        if (!out) out = s.column_int64(0);
    });
    if (!st) return unexpected(st.error());
    return out;
}

}  // namespace

Expected<ThingDataWriter, Error> ThingDataWriter::prepare(Database& db) {
    ThingDataWriter w;
    // Upserts rather than INSERT OR REPLACE: the row is updated in place
    // instead of deleted and inserted again (a call keeps its seq).
    const std::pair<Statement*, std::string_view> sql[] = {
        {&w.find_series_,
         "SELECT id FROM property_series WHERE pk = ?1 AND dn = ?2 AND identifier = ?3"},
        {&w.create_series_,
         "INSERT INTO property_series (pk, dn, identifier, value_json, time_ms) "
         "VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id"},
        // A late or replayed post must not roll the latest value back, while
        // an equal time lets a correction replace it.
        {&w.put_latest_,
         "UPDATE property_series SET value_json = ?1, time_ms = ?2 "
         "WHERE id = ?3 AND time_ms <= ?2"},
        {&w.put_history_,
         "INSERT INTO property_history (series, time_ms, value_json) VALUES (?1, ?2, ?3)"},
        {&w.put_event_,
         "INSERT INTO events (pk, dn, identifier, type, value_json, time_ms) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
        {&w.put_call_,
         "INSERT INTO calls (id, pk, dn, identifier, params_json, request_time, status, "
         "reply_code, reply_data_json, reply_message, reply_time) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (id) DO UPDATE SET "
         "pk = excluded.pk, dn = excluded.dn, identifier = excluded.identifier, "
         "params_json = excluded.params_json, request_time = excluded.request_time, "
         "status = excluded.status, reply_code = excluded.reply_code, "
         "reply_data_json = excluded.reply_data_json, reply_message = excluded.reply_message, "
         "reply_time = excluded.reply_time"},
        {&w.put_shadow_,
         "INSERT INTO shadows (pk, dn, document_json, version, updated_time) "
         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (pk, dn) DO UPDATE SET "
         "document_json = excluded.document_json, version = excluded.version, "
         "updated_time = excluded.updated_time"},
        {&w.delete_shadow_, "DELETE FROM shadows WHERE pk = ?1 AND dn = ?2"},
        {&w.put_desired_,
         "INSERT INTO desired (pk, dn, identifier, value_json, version, time_ms) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (pk, dn, identifier) DO UPDATE SET "
         "value_json = excluded.value_json, version = excluded.version, "
         "time_ms = excluded.time_ms"},
        {&w.delete_desired_, "DELETE FROM desired WHERE pk = ?1 AND dn = ?2 AND identifier = ?3"},
    };
    for (const auto& [stmt, text] : sql) {
        auto s = db.prepare(text, /*reused=*/true);
        if (!s) return unexpected(s.error());
        *stmt = std::move(*s);
    }
    static_assert(std::size(kDeleteDeviceSql) == ThingDataWriter::kDeviceTables);
    for (std::size_t i = 0; i < std::size(kDeleteDeviceSql); ++i) {
        auto s = db.prepare(kDeleteDeviceSql[i], /*reused=*/true);
        if (!s) return unexpected(s.error());
        w.delete_device_[i] = std::move(*s);
    }
    return w;
}

Status ThingDataWriter::apply(const ThingDataOp& op) {
    return std::visit(
        Overloaded{
            [&](const PutProperties& p) { return put_properties(p); },
            [&](const PutEvent& p) {
                const EventRecord& e = p.event;
                return exec(put_event_, e.product_key, e.device_name, e.identifier, e.type,
                            e.value_json, e.time_ms);
            },
            [&](const CallRecord& c) {
                // reply_code is NULL until the device answers.
                auto run_with = [&](const auto& code) {
                    return exec(put_call_, c.id, c.product_key, c.device_name, c.identifier,
                                c.params_json, c.request_time, c.status, code, c.reply_data_json,
                                c.reply_message, c.reply_time);
                };
                return c.reply_code ? run_with(*c.reply_code) : run_with(nullptr);
            },
            [&](const ShadowRecord& s) {
                return exec(put_shadow_, s.product_key, s.device_name, s.document_json, s.version,
                            s.updated_time);
            },
            [&](const DeleteShadow& d) {
                return exec(delete_shadow_, d.product_key, d.device_name);
            },
            [&](const DesiredValue& v) {
                return exec(put_desired_, v.product_key, v.device_name, v.identifier, v.value_json,
                            v.version, v.time_ms);
            },
            [&](const DeleteDesired& d) {
                return exec(delete_desired_, d.product_key, d.device_name, d.identifier);
            },
            [&](const DeleteDeviceData& d) { return delete_device_data(d); },
        },
        op);
}

Expected<std::int64_t, Error> ThingDataWriter::series_id(const PutProperties& p,
                                                         const PropertyValue& v) {
    if (auto id = series_ids_.find(p.product_key, p.device_name, v.identifier)) return *id;
    auto found = first_int64(find_series_, p.product_key, p.device_name, v.identifier);
    if (!found) return unexpected(found.error());
    if (*found) {
        series_ids_.add_existing(p.product_key, p.device_name, v.identifier, **found);
        return **found;
    }
    auto created = first_int64(create_series_, p.product_key, p.device_name, v.identifier,
                               v.value_json, v.time_ms);
    if (!created) return unexpected(created.error());
    if (!*created)
        return unexpected(make_error(StoreErrc::sql, "creating a series returned no id"));
    series_ids_.add_created(p.product_key, p.device_name, v.identifier, **created);
    return **created;
}

Status ThingDataWriter::put_properties(const PutProperties& p) {
    for (const PropertyValue& v : p.values) {
        auto series = series_id(p, v);
        if (!series) return unexpected(series.error());
        if (auto st = exec(put_history_, *series, v.time_ms, v.value_json); !st) return st;
        latest_.offer(*series, v);
    }
    return {};
}

Status ThingDataWriter::finish_batch() {
    Status result;
    latest_.for_each([&](std::int64_t series, const PropertyValue& v) {
        if (!result) return;
        result = exec(put_latest_, v.value_json, v.time_ms, series);
    });
    latest_.clear();
    return result;
}

Status ThingDataWriter::delete_device_data(const DeleteDeviceData& d) {
    // Latest values collected before the delete must not outlive it, and
    // those after it must survive: write out the ones so far, then delete.
    if (auto st = finish_batch(); !st) return st;
    for (Statement& stmt : delete_device_) {
        if (auto st = exec(stmt, d.product_key, d.device_name); !st) return st;
    }
    series_ids_.erase_device(d.product_key, d.device_name);
    return {};
}

}  // namespace ts::store
