#include "store/thing_data_writer.hpp"

#include <string_view>
#include <utility>
#include <variant>

namespace ts::store {

namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Status;

template <class... Fs>
struct Overloaded : Fs... {
    using Fs::operator()...;
};

template <class... Args>
Status exec(Statement& stmt, const Args&... args) {
    if (auto st = stmt.bind_all(args...); !st) {
        stmt.reset();
        return st;
    }
    return stmt.run();
}

// Every table that holds rows of one device.
constexpr std::string_view kDeviceTableNames[] = {
    "latest_properties", "property_history", "events", "calls", "shadows", "desired",
};

}  // namespace

Expected<ThingDataWriter, Error> ThingDataWriter::prepare(Database& db) {
    ThingDataWriter w;
    // Upserts rather than INSERT OR REPLACE: the row is updated in place
    // instead of deleted and inserted again (a call keeps its seq).
    const std::pair<Statement*, std::string_view> sql[] = {
        // A late or replayed post must not roll the latest value back, while
        // an equal time lets a correction replace it.
        {&w.put_latest_,
         "INSERT INTO latest_properties (pk, dn, identifier, value_json, time_ms) "
         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (pk, dn, identifier) DO UPDATE SET "
         "value_json = excluded.value_json, time_ms = excluded.time_ms "
         "WHERE excluded.time_ms >= latest_properties.time_ms"},
        {&w.put_history_,
         "INSERT INTO property_history (pk, dn, identifier, time_ms, value_json) "
         "VALUES (?1, ?2, ?3, ?4, ?5)"},
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
    static_assert(std::size(kDeviceTableNames) == ThingDataWriter::kDeviceTables);
    for (std::size_t i = 0; i < std::size(kDeviceTableNames); ++i) {
        auto s = db.prepare(std::string("DELETE FROM ") + std::string(kDeviceTableNames[i]) +
                                " WHERE pk = ?1 AND dn = ?2",
                            /*reused=*/true);
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

Status ThingDataWriter::put_properties(const PutProperties& p) {
    for (const PropertyValue& v : p.values) {
        if (auto st = exec(put_history_, p.product_key, p.device_name, v.identifier, v.time_ms,
                           v.value_json);
            !st) {
            return st;
        }
        latest_.offer(p.product_key, p.device_name, v);
    }
    return {};
}

Status ThingDataWriter::finish_batch() {
    Status result;
    latest_.for_each([&](const BatchLatest::Key& k, const PropertyValue& v) {
        if (!result) return;
        result =
            exec(put_latest_, k.product_key, k.device_name, k.identifier, v.value_json, v.time_ms);
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
    return {};
}

}  // namespace ts::store
