#pragma once
// The broker-state records as rows: the prepared write statements, applying
// one queued operation with them, and reading every table back.
#include "core/error.hpp"
#include "core/expected.hpp"
#include "store/broker_state.hpp"
#include "store/broker_state_ops.hpp"
#include "store/sqlite_db.hpp"

namespace ts::store {

// Prepared once and reused for every batch.
class BrokerStateWriter {
public:
    static Expected<BrokerStateWriter, Error> prepare(sqlite::Database& db);

    // Runs `op` in the connection's current transaction.
    sqlite::Status apply(const BrokerStateOp& op);

private:
    sqlite::Statement put_retained_;
    sqlite::Statement delete_retained_;
    sqlite::Statement put_session_;
    sqlite::Statement delete_session_;
    sqlite::Statement delete_session_subscriptions_;
    sqlite::Statement delete_session_messages_;
    sqlite::Statement put_subscription_;
    sqlite::Statement delete_subscription_;
    sqlite::Statement put_message_;
    sqlite::Statement delete_message_;
};

// Every record, in key order (messages by client_id, then seq). Run it inside
// a transaction to read all four tables from the same commit.
Expected<BrokerSnapshot, Error> read_broker_snapshot(sqlite::Database& db);

}  // namespace ts::store
