// Database action with a connection: rows INSERTed into an existing
// PostgreSQL table. Values go as text parameters and the server converts
// them to each column's type, so a rule needs no type mapping of its own.
// The query is sent asynchronously and waited for with poll() so that a
// server that hangs costs at most the timeout; a lost connection is dropped
// and dialled again on the next send.
#include <libpq-fe.h>
#include <poll.h>

#include <chrono>
#include <optional>

#include "rules/actions/action_configs.hpp"
#include "rules/actions/row_columns.hpp"

namespace ts::rules::actions {

namespace {

using Clock = std::chrono::steady_clock;

std::string trimmed(const char* s) {
    std::string out = s != nullptr ? s : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

// SQLSTATE classes that describe the moment, not the statement: connection
// exceptions (08), serialization failures and deadlocks (40), insufficient
// resources (53), operator intervention such as a shutdown (57) and lock
// timeouts (55P03).
bool retryable_sqlstate(std::string_view state) {
    return state.starts_with("08") || state.starts_with("40") || state.starts_with("53") ||
           state.starts_with("57") || state == "55P03";
}

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class PostgresTarget final : public Target {
public:
    explicit PostgresTarget(DatabaseConfig c) : config_(std::move(c)) {}
    ~PostgresTarget() override { disconnect(); }
    PostgresTarget(const PostgresTarget&) = delete;
    PostgresTarget& operator=(const PostgresTarget&) = delete;

    Expected<void, SendError> send(const ActionItem& item) override {
        auto values = column_values(item.row, config_.columns);
        if (!values) return unexpected(SendError{values.error(), false});
        const auto deadline = Clock::now() + std::chrono::milliseconds(config_.timeout_ms);
        if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
            if (auto ok = connect(deadline); !ok) return ok;
        }
        auto ok = insert(*values, deadline);
        // Whatever happened to the connection, a broken one is not reused.
        if (!ok && (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK)) disconnect();
        return ok;
    }

private:
    Expected<void, SendError> connect(Clock::time_point deadline) {
        disconnect();
        // connect_timeout comes first so that one in the URI wins.
        const auto seconds = std::max<std::int64_t>(
            1, std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now()).count());
        const std::string timeout = std::to_string(seconds);
        const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
        const char* vals[] = {timeout.c_str(), "thingstead-rules", config_.connection.c_str(),
                              nullptr};
        conn_ = PQconnectdbParams(keys, vals, 1);
        if (conn_ == nullptr) return unexpected(SendError{"PostgreSQL: out of memory", true});
        if (PQstatus(conn_) != CONNECTION_OK) {
            auto reason = "PostgreSQL connection failed: " + trimmed(PQerrorMessage(conn_));
            disconnect();
            return unexpected(SendError{std::move(reason), true});
        }
        // Notices ("table exists, skipping") would go to stderr.
        PQsetNoticeProcessor(
            conn_, [](void*, const char*) {}, nullptr);
        return {};
    }

    void disconnect() {
        if (conn_ != nullptr) PQfinish(conn_);
        conn_ = nullptr;
    }

    Expected<void, SendError> insert(const std::vector<ColumnValue>& values,
                                     Clock::time_point deadline) {
        std::string sql = "INSERT INTO " + quote_table(config_.table) + " (";
        std::string params;
        std::vector<std::optional<std::string>> texts;
        std::vector<const char*> ptrs;
        texts.reserve(values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            sql += (i ? "," : "") + quote_identifier(values[i].column);
            params += (i ? ",$" : "$") + std::to_string(i + 1);
            texts.push_back(value_text(values[i].value));
        }
        sql += ") VALUES (" + params + ")";
        for (const auto& t : texts) ptrs.push_back(t ? t->c_str() : nullptr);
        if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(ptrs.size()), nullptr,
                              ptrs.data(), nullptr, nullptr, 0) == 0)
            return unexpected(SendError{"PostgreSQL: " + trimmed(PQerrorMessage(conn_)), true});
        if (auto ok = wait_ready(deadline); !ok) return ok;
        Expected<void, SendError> outcome;
        bool first = true;
        while (Result res{PQgetResult(conn_)}) {
            if (!first) continue;  // drain: the connection is reusable only when empty
            first = false;
            if (PQresultStatus(res.get()) == PGRES_COMMAND_OK) continue;
            const char* state = PQresultErrorField(res.get(), PG_DIAG_SQLSTATE);
            const char* primary = PQresultErrorField(res.get(), PG_DIAG_MESSAGE_PRIMARY);
            const std::string sqlstate = state != nullptr ? state : "";
            // The primary message keeps the reason on one line; the full text
            // adds a LINE/CONTEXT block meant for a terminal.
            std::string reason =
                "PostgreSQL: " + (primary != nullptr ? std::string(primary)
                                                     : trimmed(PQresultErrorMessage(res.get())));
            if (!sqlstate.empty()) reason += " (SQLSTATE " + sqlstate + ")";
            outcome = unexpected(
                SendError{std::move(reason), sqlstate.empty() || retryable_sqlstate(sqlstate)});
        }
        return outcome;
    }

    // Flushes the query and waits until the whole reply has arrived, or the
    // deadline: then the query is cancelled and the connection dropped.
    Expected<void, SendError> wait_ready(Clock::time_point deadline) {
        for (;;) {
            const int flushed = PQflush(conn_);
            if (flushed < 0)
                return unexpected(SendError{"PostgreSQL: " + trimmed(PQerrorMessage(conn_)), true});
            if (PQconsumeInput(conn_) == 0)
                return unexpected(SendError{"PostgreSQL: " + trimmed(PQerrorMessage(conn_)), true});
            if (flushed == 0 && PQisBusy(conn_) == 0) return {};
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())
                    .count();
            if (left <= 0) {
                if (PGcancel* cancel = PQgetCancel(conn_)) {
                    char buf[256];
                    PQcancel(cancel, buf, sizeof buf);
                    PQfreeCancel(cancel);
                }
                disconnect();
                return unexpected(SendError{"PostgreSQL: timed out waiting for the INSERT", true});
            }
            pollfd pfd{PQsocket(conn_), static_cast<short>(POLLIN | (flushed == 1 ? POLLOUT : 0)),
                       0};
            (void)::poll(&pfd, 1, static_cast<int>(std::min<std::int64_t>(left, 1000)));
        }
    }

    DatabaseConfig config_;
    PGconn* conn_ = nullptr;
};

}  // namespace

Expected<std::unique_ptr<Target>, std::string> make_postgres_target(DatabaseConfig c) {
    return std::unique_ptr<Target>(std::make_unique<PostgresTarget>(std::move(c)));
}

}  // namespace ts::rules::actions
