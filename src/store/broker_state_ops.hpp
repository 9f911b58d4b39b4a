#pragma once
// The write operations queued by the SQLite broker store, and the coalescing
// of a drained batch.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "store/broker_state.hpp"

namespace ts::store {

struct DeleteRetained {
    std::string topic;
};
struct DeleteSession {
    std::string client_id;
};
struct DeleteSubscription {
    std::string client_id;
    std::string filter;
};
struct DeleteMessage {
    std::string client_id;
    std::uint64_t seq = 0;
};

using BrokerStateOp =
    std::variant<RetainedRecord, DeleteRetained, SessionRecord, DeleteSession, SubscriptionRecord,
                 DeleteSubscription, QueuedMessageRecord, DeleteMessage>;

// Removes the operations whose effect a later operation in `ops` overwrites,
// keeping the order of the rest, and returns how many it removed. Applying
// the result gives the same rows as applying `ops`.
//
// Every operation except DeleteSession writes exactly one row, and writes it
// blindly (a put replaces, a delete removes), so it is superseded by any later
// operation on the same row, and by a later DeleteSession of its client.
// DeleteSession itself is never removed: it also clears rows written before
// this batch.
std::size_t coalesce(std::vector<BrokerStateOp>& ops);

}  // namespace ts::store
