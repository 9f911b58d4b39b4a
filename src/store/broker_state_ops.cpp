#include "store/broker_state_ops.hpp"
#include "core/overloaded.hpp"

#include <string_view>
#include <unordered_set>

namespace ts::store {

namespace {

// A key naming the row an operation writes: a table tag, then the primary
// key. The first part is length-prefixed so that no choice of bytes in the
// parts can make two different rows share a key.
std::string row_key(char table, std::string_view a, std::string_view b = {}) {
    std::string k;
    k.reserve(1 + sizeof(std::uint32_t) + a.size() + b.size());
    k.push_back(table);
    const auto n = static_cast<std::uint32_t>(a.size());
    for (std::size_t i = 0; i < sizeof n; ++i) k.push_back(static_cast<char>(n >> (8 * i)));
    k.append(a);
    k.append(b);
    return k;
}

std::string seq_bytes(std::uint64_t seq) {
    std::string s(sizeof seq, '\0');
    for (std::size_t i = 0; i < sizeof seq; ++i) s[i] = static_cast<char>(seq >> (8 * i));
    return s;
}

struct Target {
    std::string key;     // empty for DeleteSession
    bool owned = false;  // whether the row belongs to a session (all but retained)
    std::string_view client_id;
};

Target target_of(const BrokerStateOp& op) {
    return std::visit(
        Overloaded{
            [](const RetainedRecord& r) {
                return Target{row_key('r', r.topic), false, {}};
            },
            [](const DeleteRetained& d) {
                return Target{row_key('r', d.topic), false, {}};
            },
            [](const SessionRecord& s) {
                return Target{row_key('s', s.client_id), true, s.client_id};
            },
            [](const DeleteSession& d) {
                return Target{{}, true, d.client_id};
            },
            [](const SubscriptionRecord& s) {
                return Target{row_key('u', s.client_id, s.filter), true, s.client_id};
            },
            [](const DeleteSubscription& d) {
                return Target{row_key('u', d.client_id, d.filter), true, d.client_id};
            },
            [](const QueuedMessageRecord& m) {
                return Target{row_key('m', m.client_id, seq_bytes(m.seq)), true, m.client_id};
            },
            [](const DeleteMessage& d) {
                return Target{row_key('m', d.client_id, seq_bytes(d.seq)), true, d.client_id};
            },
        },
        op);
}

}  // namespace

std::size_t coalesce(std::vector<BrokerStateOp>& ops) {
    if (ops.size() < 2) return 0;
    // Walk backwards: an operation is dead when its row is written again
    // later, which the sets collected so far answer directly.
    std::unordered_set<std::string> written_later;
    std::unordered_set<std::string_view> sessions_deleted_later;
    std::vector<bool> dead(ops.size(), false);
    std::size_t removed = 0;
    for (std::size_t i = ops.size(); i-- > 0;) {
        Target t = target_of(ops[i]);
        if (std::holds_alternative<DeleteSession>(ops[i])) {
            sessions_deleted_later.insert(t.client_id);
            continue;
        }
        const bool superseded = (t.owned && sessions_deleted_later.contains(t.client_id)) ||
                                !written_later.insert(std::move(t.key)).second;
        if (superseded) {
            dead[i] = true;
            ++removed;
        }
    }
    if (removed == 0) return 0;
    std::size_t out = 0;
    for (std::size_t i = 0; i < ops.size(); ++i) {
        if (dead[i]) continue;
        if (out != i) ops[out] = std::move(ops[i]);
        ++out;
    }
    ops.resize(out);
    return removed;
}

}  // namespace ts::store
