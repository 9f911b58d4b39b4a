#include "store/broker_state_sql.hpp"
#include "core/overloaded.hpp"

#include <string_view>
#include <utility>
#include <variant>

namespace ts::store {

namespace {

using sqlite::Blob;
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

}  // namespace

Expected<BrokerStateWriter, Error> BrokerStateWriter::prepare(Database& db) {
    BrokerStateWriter w;
    // Upserts rather than INSERT OR REPLACE: the row is updated in place
    // instead of deleted and inserted again.
    const std::pair<Statement*, std::string_view> sql[] = {
        {&w.put_retained_,
         "INSERT INTO broker_retained (topic, payload, qos, properties, expiry_wall_ms) "
         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (topic) DO UPDATE SET "
         "payload = excluded.payload, qos = excluded.qos, properties = excluded.properties, "
         "expiry_wall_ms = excluded.expiry_wall_ms"},
        {&w.delete_retained_, "DELETE FROM broker_retained WHERE topic = ?1"},
        {&w.put_session_,
         "INSERT INTO broker_sessions "
         "(client_id, expiry_interval_s, disconnected_wall_ms, protocol_version) "
         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (client_id) DO UPDATE SET "
         "expiry_interval_s = excluded.expiry_interval_s, "
         "disconnected_wall_ms = excluded.disconnected_wall_ms, "
         "protocol_version = excluded.protocol_version"},
        {&w.delete_session_, "DELETE FROM broker_sessions WHERE client_id = ?1"},
        {&w.delete_session_subscriptions_, "DELETE FROM broker_subscriptions WHERE client_id = ?1"},
        {&w.delete_session_messages_, "DELETE FROM broker_messages WHERE client_id = ?1"},
        {&w.put_subscription_,
         "INSERT INTO broker_subscriptions (client_id, filter, options, subscription_id) "
         "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (client_id, filter) DO UPDATE SET "
         "options = excluded.options, subscription_id = excluded.subscription_id"},
        {&w.delete_subscription_,
         "DELETE FROM broker_subscriptions WHERE client_id = ?1 AND filter = ?2"},
        {&w.put_message_,
         "INSERT INTO broker_messages (client_id, seq, topic, payload, qos, retain, "
         "properties, expiry_wall_ms, packet_id, pubrel_pending) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (client_id, seq) DO "
         "UPDATE SET topic = excluded.topic, payload = excluded.payload, qos = excluded.qos, "
         "retain = excluded.retain, properties = excluded.properties, "
         "expiry_wall_ms = excluded.expiry_wall_ms, packet_id = excluded.packet_id, "
         "pubrel_pending = excluded.pubrel_pending"},
        {&w.delete_message_, "DELETE FROM broker_messages WHERE client_id = ?1 AND seq = ?2"},
    };
    for (const auto& [stmt, text] : sql) {
        auto s = db.prepare(text, /*reused=*/true);
        if (!s) return unexpected(s.error());
        *stmt = std::move(*s);
    }
    return w;
}

Status BrokerStateWriter::apply(const BrokerStateOp& op) {
    return std::visit(
        Overloaded{
            [&](const RetainedRecord& r) {
                return exec(put_retained_, r.topic, Blob{r.payload}, r.qos, Blob{r.properties},
                            r.expiry_wall_ms);
            },
            [&](const DeleteRetained& d) { return exec(delete_retained_, d.topic); },
            [&](const SessionRecord& s) {
                return exec(put_session_, s.client_id, s.expiry_interval_s, s.disconnected_wall_ms,
                            s.protocol_version);
            },
            [&](const DeleteSession& d) -> Status {
                for (Statement* stmt : {&delete_session_subscriptions_, &delete_session_messages_,
                                        &delete_session_}) {
                    if (auto st = exec(*stmt, d.client_id); !st) return st;
                }
                return {};
            },
            [&](const SubscriptionRecord& s) {
                return exec(put_subscription_, s.client_id, s.filter, s.options, s.subscription_id);
            },
            [&](const DeleteSubscription& d) {
                return exec(delete_subscription_, d.client_id, d.filter);
            },
            [&](const QueuedMessageRecord& m) {
                return exec(put_message_, m.client_id, m.seq, m.topic, Blob{m.payload}, m.qos,
                            m.retain, Blob{m.properties}, m.expiry_wall_ms, m.packet_id,
                            m.pubrel_pending);
            },
            [&](const DeleteMessage& d) { return exec(delete_message_, d.client_id, d.seq); },
        },
        op);
}

Expected<BrokerSnapshot, Error> read_broker_snapshot(Database& db) {
    BrokerSnapshot snap;
    auto query = [&db](std::string_view sql, auto&& on_row) -> Status {
        auto stmt = db.prepare(sql);
        if (!stmt) return unexpected(stmt.error());
        return sqlite::for_each_row(*stmt, on_row);
    };
    Status st = query(
        "SELECT topic, payload, qos, properties, expiry_wall_ms FROM broker_retained "
        "ORDER BY topic",
        [&](const Statement& s) {
            snap.retained.push_back(RetainedRecord{
                .topic = s.column_text(0),
                .payload = s.column_blob(1),
                .qos = static_cast<std::uint8_t>(s.column_int64(2)),
                .properties = s.column_blob(3),
                .expiry_wall_ms = s.column_int64(4),
            });
        });
    if (!st) return unexpected(st.error());
    st = query(
        "SELECT client_id, expiry_interval_s, disconnected_wall_ms, protocol_version "
        "FROM broker_sessions ORDER BY client_id",
        [&](const Statement& s) {
            snap.sessions.push_back(SessionRecord{
                .client_id = s.column_text(0),
                .expiry_interval_s = static_cast<std::uint32_t>(s.column_int64(1)),
                .disconnected_wall_ms = s.column_int64(2),
                .protocol_version = static_cast<std::uint8_t>(s.column_int64(3)),
            });
        });
    if (!st) return unexpected(st.error());
    st = query(
        "SELECT client_id, filter, options, subscription_id FROM broker_subscriptions "
        "ORDER BY client_id, filter",
        [&](const Statement& s) {
            snap.subscriptions.push_back(SubscriptionRecord{
                .client_id = s.column_text(0),
                .filter = s.column_text(1),
                .options = static_cast<std::uint8_t>(s.column_int64(2)),
                .subscription_id = static_cast<std::uint32_t>(s.column_int64(3)),
            });
        });
    if (!st) return unexpected(st.error());
    st = query(
        "SELECT client_id, seq, topic, payload, qos, retain, properties, expiry_wall_ms, "
        "packet_id, pubrel_pending FROM broker_messages ORDER BY client_id, seq",
        [&](const Statement& s) {
            snap.messages.push_back(QueuedMessageRecord{
                .client_id = s.column_text(0),
                .seq = static_cast<std::uint64_t>(s.column_int64(1)),
                .topic = s.column_text(2),
                .payload = s.column_blob(3),
                .qos = static_cast<std::uint8_t>(s.column_int64(4)),
                .retain = s.column_int64(5) != 0,
                .properties = s.column_blob(6),
                .expiry_wall_ms = s.column_int64(7),
                .packet_id = static_cast<std::uint16_t>(s.column_int64(8)),
                .pubrel_pending = s.column_int64(9) != 0,
            });
        });
    if (!st) return unexpected(st.error());
    return snap;
}

}  // namespace ts::store
