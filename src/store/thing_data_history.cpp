// The history reads: latest values, property history and its aggregates,
// events and calls, paged newest first.
#include <algorithm>
#include <cstddef>

#include "store/thing_data_paging.hpp"
#include "store/thing_data_reader.hpp"

namespace ts::store {

namespace {

using sqlite::Statement;

// Every history query has the same shape: ?4..?5 the time range, bound as
// min(to, cursor time) at the top so that the index range already starts at
// the cursor; ?6..?7 the cursor, whose OR only skips the rows of the
// cursor's own time that the previous page returned; ?8 the row limit.
// Property values name their series, looked up once by its unique key.
constexpr std::string_view kHistorySql =
    "SELECT time_ms, seq, value_json FROM property_history "
    "WHERE series = (SELECT id FROM property_series WHERE pk = ?1 AND dn = ?2 AND identifier = ?3) "
    "AND time_ms BETWEEN ?4 AND ?5 "
    "AND (time_ms < ?6 OR seq < ?7) ORDER BY time_ms DESC, seq DESC LIMIT ?8";
// ?3 is left unused: SQLite accepts a binding to a gap in the numbering.
constexpr std::string_view kEventsSql =
    "SELECT time_ms, seq, identifier, type, value_json FROM events "
    "WHERE pk = ?1 AND dn = ?2 AND time_ms BETWEEN ?4 AND ?5 "
    "AND (time_ms < ?6 OR seq < ?7) ORDER BY time_ms DESC, seq DESC LIMIT ?8";
constexpr std::string_view kEventsByIdentifierSql =
    "SELECT time_ms, seq, identifier, type, value_json FROM events "
    "WHERE pk = ?1 AND dn = ?2 AND identifier = ?3 AND time_ms BETWEEN ?4 AND ?5 "
    "AND (time_ms < ?6 OR seq < ?7) ORDER BY time_ms DESC, seq DESC LIMIT ?8";
constexpr std::string_view kCallsSql =
    "SELECT request_time, seq, id, identifier, params_json, status, reply_code, "
    "reply_data_json, reply_message, reply_time FROM calls "
    "WHERE pk = ?1 AND dn = ?2 AND request_time BETWEEN ?4 AND ?5 "
    "AND (request_time < ?6 OR seq < ?7) ORDER BY request_time DESC, seq DESC LIMIT ?8";

// Buckets start at multiples of the interval (?6), also for times before
// 1970 where integer division would round towards zero. json_type fails on
// text that is not JSON, hence the json_valid guard in its own CASE: SQLite
// documents CASE as short-circuit, but not the order of an AND's terms.
constexpr std::string_view kAggregateSql =
    "SELECT bucket, min(num), max(num), avg(num), count(num) FROM ("
    " SELECT CASE WHEN time_ms >= 0 THEN (time_ms / ?6) * ?6"
    "             ELSE ((time_ms - ?6 + 1) / ?6) * ?6 END AS bucket,"
    "        CASE WHEN json_valid(value_json) THEN"
    "             CASE WHEN json_type(value_json) IN ('integer', 'real')"
    "                  THEN json_extract(value_json, '$') END END AS num"
    " FROM property_history"
    " WHERE series = (SELECT id FROM property_series"
    "                 WHERE pk = ?1 AND dn = ?2 AND identifier = ?3)"
    "   AND time_ms BETWEEN ?4 AND ?5)"
    " WHERE num IS NOT NULL GROUP BY bucket ORDER BY bucket";

// The caller's mistake, which the thing layer reports as a 400.
Error invalid_argument(std::string message) {
    return make_error(StoreErrc::invalid_argument, std::move(message));
}

}  // namespace

template <class T, class ReadItem>
Expected<HistoryPage<T>, Error> ThingDataReader::page(std::string_view sql, const std::string& pk,
                                                      const std::string& dn,
                                                      const std::string& identifier,
                                                      const HistoryQuery& q, ReadItem read_item) {
    auto cursor = decode_page_token(q.page_token);
    if (!cursor) return unexpected(cursor.error());
    const std::size_t limit = clamp_page_limit(q.limit);
    const std::int64_t upper = std::min(q.to, cursor->time_ms);
    HistoryPage<T> out;
    PageCursor last;
    bool more = false;
    std::lock_guard lock(mutex_);
    // One row beyond the limit tells whether another page exists.
    auto st = query(
        sql,
        [&](const Statement& s) {
            if (out.items.size() == limit) {
                more = true;
                return;
            }
            last = PageCursor{s.column_int64(0), s.column_int64(1)};
            out.items.push_back(read_item(s));
        },
        pk, dn, identifier, q.from, upper, cursor->time_ms, cursor->seq,
        static_cast<std::int64_t>(limit + 1));
    if (!st) return unexpected(st.error());
    if (more) out.next_page_token = encode_page_token(last);
    return out;
}

Expected<std::vector<PropertyValue>, Error> ThingDataReader::latest_properties(
    const std::string& pk, const std::string& dn) {
    std::vector<PropertyValue> out;
    std::lock_guard lock(mutex_);
    auto st = query(
        "SELECT identifier, value_json, time_ms FROM property_series "
        "WHERE pk = ?1 AND dn = ?2 ORDER BY identifier",
        [&](const Statement& s) {
            out.push_back(PropertyValue{
                .identifier = s.column_text(0),
                .value_json = s.column_text(1),
                .time_ms = s.column_int64(2),
            });
        },
        pk, dn);
    if (!st) return unexpected(st.error());
    return out;
}

Expected<HistoryPage<PropertyValue>, Error> ThingDataReader::property_history(
    const std::string& pk, const std::string& dn, const std::string& identifier,
    const HistoryQuery& q) {
    return page<PropertyValue>(kHistorySql, pk, dn, identifier, q, [&](const Statement& s) {
        return PropertyValue{
            .identifier = identifier,
            .value_json = s.column_text(2),
            .time_ms = s.column_int64(0),
        };
    });
}

Expected<std::vector<AggregateBucket>, Error> ThingDataReader::property_aggregate(
    const std::string& pk, const std::string& dn, const std::string& identifier, std::int64_t from,
    std::int64_t to, std::int64_t interval_ms) {
    if (interval_ms <= 0) return unexpected(invalid_argument("interval must be positive"));
    std::vector<AggregateBucket> out;
    std::lock_guard lock(mutex_);
    auto st = query(
        kAggregateSql,
        [&](const Statement& s) {
            out.push_back(AggregateBucket{
                .start = s.column_int64(0),
                .min = s.column_double(1),
                .max = s.column_double(2),
                .avg = s.column_double(3),
                .count = s.column_int64(4),
            });
        },
        pk, dn, identifier, from, to, interval_ms);
    if (!st) return unexpected(st.error());
    return out;
}

Expected<HistoryPage<EventRecord>, Error> ThingDataReader::events(const std::string& pk,
                                                                  const std::string& dn,
                                                                  const std::string& identifier,
                                                                  const HistoryQuery& q) {
    // Two statements rather than "identifier = ?3 OR ?3 = ''", which would
    // keep SQLite from choosing the index by identifier.
    return page<EventRecord>(identifier.empty() ? kEventsSql : kEventsByIdentifierSql, pk, dn,
                             identifier, q, [&](const Statement& s) {
                                 return EventRecord{
                                     .product_key = pk,
                                     .device_name = dn,
                                     .identifier = s.column_text(2),
                                     .type = s.column_text(3),
                                     .value_json = s.column_text(4),
                                     .time_ms = s.column_int64(0),
                                 };
                             });
}

Expected<HistoryPage<CallRecord>, Error> ThingDataReader::calls(const std::string& pk,
                                                                const std::string& dn,
                                                                const HistoryQuery& q) {
    const std::string no_identifier;
    return page<CallRecord>(kCallsSql, pk, dn, no_identifier, q, [&](const Statement& s) {
        CallRecord c{
            .id = s.column_text(2),
            .product_key = pk,
            .device_name = dn,
            .identifier = s.column_text(3),
            .params_json = s.column_text(4),
            .request_time = s.column_int64(0),
            .status = s.column_text(5),
            .reply_code = std::nullopt,
            .reply_data_json = s.column_text(7),
            .reply_message = s.column_text(8),
            .reply_time = s.column_int64(9),
        };
        if (!s.column_is_null(6)) c.reply_code = static_cast<int>(s.column_int64(6));
        return c;
    });
}

}  // namespace ts::store
