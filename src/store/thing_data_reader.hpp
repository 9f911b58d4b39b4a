#pragma once
// The thing data store's second connection: API reads, and the rare
// management writes (thing models, config files). It is separate from the
// writer's connection so that in WAL mode a read sees the last commit
// without waiting for the batch being written. Every call takes the
// reader's own mutex; statements are prepared at first use and kept.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/expected.hpp"
#include "store/sqlite_db.hpp"
#include "store/thing_data.hpp"

namespace ts::store {

class ThingDataReader {
public:
    explicit ThingDataReader(sqlite::Database db) : db_(std::move(db)) {}

    // thing_data_history.cpp
    Expected<std::vector<PropertyValue>, Error> latest_properties(const std::string& pk,
                                                                  const std::string& dn);
    Expected<HistoryPage<PropertyValue>, Error> property_history(const std::string& pk,
                                                                 const std::string& dn,
                                                                 const std::string& identifier,
                                                                 const HistoryQuery& q);
    Expected<std::vector<AggregateBucket>, Error> property_aggregate(
        const std::string& pk, const std::string& dn, const std::string& identifier,
        std::int64_t from, std::int64_t to, std::int64_t interval_ms);
    Expected<HistoryPage<EventRecord>, Error> events(const std::string& pk, const std::string& dn,
                                                     const std::string& identifier,
                                                     const HistoryQuery& q);
    Expected<HistoryPage<CallRecord>, Error> calls(const std::string& pk, const std::string& dn,
                                                   const HistoryQuery& q);

    // thing_data_documents.cpp
    Expected<void, Error> put_thing_model(const std::string& pk, const std::string& document_json,
                                          std::int64_t updated_time);
    Expected<void, Error> delete_thing_model(const std::string& pk);
    Expected<std::vector<std::pair<std::string, std::string>>, Error> load_thing_models();
    Expected<std::vector<ShadowRecord>, Error> load_shadows();
    Expected<std::vector<DesiredValue>, Error> load_desired();
    Expected<void, Error> put_config(const ConfigFile& file);
    Expected<std::optional<ConfigFile>, Error> get_config(const std::string& pk);

private:
    // The prepared statement for `sql` (a string literal: the key is kept
    // as a view). Call with mutex_ held.
    Expected<sqlite::Statement*, Error> statement(std::string_view sql);

    // Binds `args` to ?1..?N of `sql` and calls on_row for each row.
    template <class OnRow, class... Args>
    sqlite::Status query(std::string_view sql, OnRow&& on_row, const Args&... args) {
        auto stmt = statement(sql);
        if (!stmt) return unexpected(stmt.error());
        if (auto st = (*stmt)->bind_all(args...); !st) {
            (*stmt)->reset();
            return st;
        }
        return sqlite::for_each_row(**stmt, std::forward<OnRow>(on_row));
    }

    // The same for a statement that returns no rows.
    template <class... Args>
    sqlite::Status execute(std::string_view sql, const Args&... args) {
        auto stmt = statement(sql);
        if (!stmt) return unexpected(stmt.error());
        if (auto st = (*stmt)->bind_all(args...); !st) {
            (*stmt)->reset();
            return st;
        }
        return (*stmt)->run();
    }

    // One page of a history query whose statement selects (time, seq, ...)
    // and takes ?1 pk, ?2 dn, ?3 identifier, ?4..?5 the time range, ?6..?7
    // the cursor and ?8 the row limit. thing_data_history.cpp.
    template <class T, class ReadItem>
    Expected<HistoryPage<T>, Error> page(std::string_view sql, const std::string& pk,
                                         const std::string& dn, const std::string& identifier,
                                         const HistoryQuery& q, ReadItem read_item);

    std::mutex mutex_;
    sqlite::Database db_;
    std::unordered_map<std::string_view, sqlite::Statement> statements_;
};

}  // namespace ts::store
