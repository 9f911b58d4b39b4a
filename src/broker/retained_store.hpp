#pragma once
// Retained messages by topic, with their limits. Thread-safe: publishes on
// any event-loop thread set and clear entries; subscribes read them.
#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker/message.hpp"
#include "broker/subscription_index.hpp"

namespace ts::broker {

struct RetainedLimits {
    std::uint32_t max_payload = 256 * 1024;
    std::uint32_t max_messages = 100'000;
    std::uint64_t max_bytes = 256ull * 1024 * 1024;  // topics and payloads
    // A client's own share; messages without an owner (the platform's,
    // wills, those restored at start) count towards the totals only.
    std::uint32_t max_per_owner = 1000;
    std::uint64_t max_bytes_per_owner = 16ull * 1024 * 1024;
};

enum class RetainOutcome {
    Stored,
    Cleared,
    Unchanged,  // an empty payload for a topic that held nothing
    PayloadTooLarge,
    StoreFull,  // past max_messages or max_bytes
    OwnerFull,  // past the owner's share
};
inline bool refused(RetainOutcome o) {
    return o == RetainOutcome::PayloadTooLarge || o == RetainOutcome::StoreFull ||
           o == RetainOutcome::OwnerFull;
}
std::string_view to_string(RetainOutcome o);

class RetainedStore {
public:
    explicit RetainedStore(RetainedLimits limits = {}) : limits_(limits) {}

    // Stores `msg` for its topic as `owner`'s (a client's session key; empty
    // for none), or clears the topic when the payload is empty. A message
    // that replaces a topic's message is charged for what it adds.
    RetainOutcome set(const MessagePtr& msg, std::string_view owner = {});
    // What set() would answer, without storing anything.
    RetainOutcome check(std::string_view topic, std::size_t payload_size,
                        std::string_view owner) const;
    // Removes every message `match` accepts; returns their topics.
    std::vector<std::string> erase_if(
        const std::function<bool(const std::string& topic, const std::string& owner)>& match);
    // Every retained message whose topic matches `filter`, skipping expired ones.
    std::vector<MessagePtr> match(std::string_view filter, Millis now) const;
    std::size_t size() const;
    std::uint64_t bytes() const;
    void for_each(const std::function<void(const MessagePtr&)>& f) const;

private:
    struct Entry {
        MessagePtr msg;
        std::string owner;
    };
    struct Usage {
        std::uint32_t messages = 0;
        std::uint64_t bytes = 0;
    };
    static std::uint64_t cost(std::string_view topic, std::size_t payload) {
        return topic.size() + payload;
    }
    RetainOutcome check_locked(std::string_view topic, std::size_t payload_size,
                               std::string_view owner) const;
    void charge_locked(const std::string& owner, std::int64_t messages, std::int64_t bytes);

    RetainedLimits limits_;
    mutable std::shared_mutex mutex_;
    // A wildcard subscribe scans every entry: subscribes are rare next to
    // publishes, and this keeps publishing a retained message one hash update.
    std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> by_topic_;
    std::unordered_map<std::string, Usage, StringHash, std::equal_to<>> by_owner_;
    std::uint64_t bytes_ = 0;
};

}  // namespace ts::broker
