#pragma once
// Which sessions want a topic. Filters without wildcards (most IoT
// subscriptions are a device's own topics) live in a hash map; wildcard
// filters in a trie of topic levels. A shared subscription's members are one
// group per (group name, filter); a match picks one member per message.
//
// Not thread-safe: the Broker guards it with a reader/writer lock.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mqtt/packets.hpp"

namespace ts::broker {

class Session;
class MessageSink;

// Identifies a shared subscription group, carried with each message it
// delivered so that a member that leaves mid-flight can hand it on.
struct ShareKey {
    std::string group;
    std::string filter;
};

// Either a session or, for platform consumers, a sink (session null).
struct Subscriber {
    std::shared_ptr<Session> session;
    mqtt::SubscriptionOptions options;
    std::uint32_t subscription_id = 0;  // 0: none
    std::shared_ptr<MessageSink> sink;
};

struct Match {
    std::shared_ptr<Session> session;
    std::shared_ptr<MessageSink> sink;  // set instead of session for a sink
    mqtt::SubscriptionOptions options;
    std::uint32_t subscription_id = 0;
    std::shared_ptr<const ShareKey> share;  // set for a shared subscription
};

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class SubscriptionIndex {
public:
    SubscriptionIndex();
    ~SubscriptionIndex();

    // Adds or replaces `sub.session`'s subscription to `filter` (in `group`
    // when shared; empty for a plain one). Returns true when it is new.
    bool add(std::string_view filter, std::string_view group, Subscriber sub);
    // Returns true when there was such a subscription.
    bool remove(std::string_view filter, std::string_view group, const Session* session);
    // Sinks are plain (never shared) subscriptions keyed by the sink.
    bool add_sink(std::string_view filter, std::shared_ptr<MessageSink> sink);
    bool remove_sink(std::string_view filter, const MessageSink* sink);
    std::size_t sink_count() const { return sinks_; }

    // Appends every subscription matching `topic`: all plain ones, and one
    // member of each matching shared group (an online one when there is one).
    // Returns how many filters matched: with one, no session is appended
    // twice as a plain subscriber (a filter holds one subscription per
    // session), so the caller need not look for overlaps.
    std::size_t match(std::string_view topic, std::vector<Match>& out) const;

    // One member of a shared group other than `exclude`, for a message whose
    // receiver left; nullptr session when none remains.
    Match pick_member(const ShareKey& key, const Session* exclude) const;

    std::size_t size() const { return count_; }

private:
    struct SharedGroup;
    struct Entry;
    struct Node;

    Entry* find_entry(std::string_view filter, bool create);
    void prune(std::string_view filter);
    // Both return how many filters added to `out`.
    static std::size_t collect(const Entry& e, std::vector<Match>& out);
    std::size_t match_node(const Node& n, const std::vector<std::string_view>& levels,
                           std::size_t i, std::vector<Match>& out) const;

    std::unordered_map<std::string, std::unique_ptr<Entry>, StringHash, std::equal_to<>> exact_;
    std::unique_ptr<Node> root_;
    std::size_t count_ = 0;
    std::size_t sinks_ = 0;
};

}  // namespace ts::broker
