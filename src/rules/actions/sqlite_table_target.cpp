// Database action without a connection: rows go into a table of the embedded
// SQLite file <data_dir>/rules-data.db, created on first use with untyped
// columns (SQLite keeps each value's own type: numbers stay numbers). Columns
// the table lacks are added once, so a rule may gain fields over time.
#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>

#include "rules/actions/action_configs.hpp"
#include "rules/actions/row_columns.hpp"
#include "store/sqlite_db.hpp"

namespace ts::rules::actions {

namespace sq = store::sqlite;
using store::StoreErrc;

namespace {

// SQLite compares identifiers without regard to ASCII case.
std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Busy, full, I/O and permission errors come from the environment and may
// pass; anything else (bad SQL, a constraint) will fail the same way again.
SendError to_send_error(const Error& e) {
    const auto code = static_cast<StoreErrc>(e.code);
    const bool retryable = code == StoreErrc::busy || code == StoreErrc::full ||
                           code == StoreErrc::io || code == StoreErrc::open_failed ||
                           code == StoreErrc::read_only;
    return SendError{e.message, retryable};
}

sq::Status bind_value(sq::Statement& st, int index, const nlohmann::json* v) {
    if (v == nullptr || v->is_null()) return st.bind_null(index);
    if (v->is_boolean()) return st.bind_int64(index, v->get<bool>() ? 1 : 0);
    if (v->is_number_unsigned() &&
        v->get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return st.bind_double(index, v->get<double>());
    if (v->is_number_integer()) return st.bind_int64(index, v->get<std::int64_t>());
    if (v->is_number_float()) return st.bind_double(index, v->get<double>());
    return st.bind_text(index, *value_text(v));
}

class SqliteTableTarget final : public Target {
public:
    SqliteTableTarget(DatabaseConfig c, std::string path)
        : config_(std::move(c)), path_(std::move(path)) {}

    Expected<void, SendError> send(const ActionItem& item) override {
        auto values = column_values(item.row, config_.columns);
        if (!values) return unexpected(SendError{values.error(), false});
        auto ok = insert(*values);
        if (!ok) {
            // Start from scratch next time: the table may have been dropped
            // or changed behind our back.
            statements_.clear();
            known_.clear();
            db_ = sq::Database();
            return unexpected(to_send_error(ok.error()));
        }
        return {};
    }

private:
    sq::Status insert(const std::vector<ColumnValue>& values) {
        if (db_.handle() == nullptr) {
            auto db = sq::Database::open(path_);
            if (!db) return unexpected(db.error());
            db_ = std::move(*db);
        }
        if (auto ok = ensure_columns(values); !ok) return ok;
        std::string key;
        for (const auto& v : values) key += v.column + ",";
        auto it = statements_.find(key);
        if (it == statements_.end()) {
            // Rows with changing field sets would otherwise grow the cache
            // without bound.
            if (statements_.size() >= 32) statements_.clear();
            std::string cols, params;
            for (std::size_t i = 0; i < values.size(); ++i) {
                cols += (i ? "," : "") + quote_identifier(values[i].column);
                params += (i ? ",?" : "?");
            }
            auto st = db_.prepare("INSERT INTO " + quote_table(config_.table) + " (" + cols +
                                      ") VALUES (" + params + ")",
                                  true);
            if (!st) return unexpected(st.error());
            it = statements_.emplace(key, std::move(*st)).first;
        }
        auto& st = it->second;
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (auto ok = bind_value(st, static_cast<int>(i + 1), values[i].value); !ok) {
                st.reset();
                return ok;
            }
        }
        return st.run();
    }

    // Creates the table, or adds the columns it lacks, the first time each
    // column is seen.
    sq::Status ensure_columns(const std::vector<ColumnValue>& values) {
        const bool all_known = std::all_of(values.begin(), values.end(), [&](const ColumnValue& v) {
            return known_.count(lower(v.column)) != 0;
        });
        if (all_known) return {};
        if (auto ok = load_known(); !ok) return ok;
        const auto table = quote_table(config_.table);
        if (known_.empty()) {
            std::string cols;
            for (const auto& v : values)
                cols += (cols.empty() ? "" : ", ") + quote_identifier(v.column);
            if (auto ok = db_.exec("CREATE TABLE IF NOT EXISTS " + table + " (" + cols + ")"); !ok)
                return ok;
            for (const auto& v : values) known_.insert(lower(v.column));
            return {};
        }
        for (const auto& v : values) {
            if (known_.count(lower(v.column)) != 0) continue;
            if (auto ok =
                    db_.exec("ALTER TABLE " + table + " ADD COLUMN " + quote_identifier(v.column));
                !ok)
                return ok;
            known_.insert(lower(v.column));
        }
        statements_.clear();
        return {};
    }

    sq::Status load_known() {
        known_.clear();
        const auto dot = config_.table.find('.');
        const std::string pragma =
            dot == std::string::npos
                ? "PRAGMA table_info(" + quote_identifier(config_.table) + ")"
                : "PRAGMA " + quote_identifier(config_.table.substr(0, dot)) + ".table_info(" +
                      quote_identifier(config_.table.substr(dot + 1)) + ")";
        auto st = db_.prepare(pragma);
        if (!st) return unexpected(st.error());
        return sq::for_each_row(
            *st, [&](const sq::Statement& row) { known_.insert(lower(row.column_text(1))); });
    }

    DatabaseConfig config_;
    std::string path_;
    sq::Database db_;
    std::set<std::string> known_;                      // lower-cased column names of the table
    std::map<std::string, sq::Statement> statements_;  // by column list
};

}  // namespace

Expected<std::unique_ptr<Target>, std::string> make_sqlite_table_target(DatabaseConfig c,
                                                                        const TargetEnv& env) {
    if (env.data_dir.empty()) return unexpected(std::string("database: no data directory"));
    std::string path = env.data_dir + "/rules-data.db";
    return std::unique_ptr<Target>(
        std::make_unique<SqliteTableTarget>(std::move(c), std::move(path)));
}

}  // namespace ts::rules::actions
