#pragma once
// Retained messages by topic. Thread-safe: publishes on any event-loop
// thread set and clear entries; subscribes read them.
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker/message.hpp"
#include "broker/subscription_index.hpp"

namespace ts::broker {

class RetainedStore {
public:
    // Stores `msg` for its topic, or clears the topic when the payload is empty.
    // Returns true when the store changed.
    bool set(const MessagePtr& msg);
    // Every retained message whose topic matches `filter`, skipping expired ones.
    std::vector<MessagePtr> match(std::string_view filter, Millis now) const;
    std::size_t size() const;
    void for_each(const std::function<void(const MessagePtr&)>& f) const;

private:
    mutable std::shared_mutex mutex_;
    // A wildcard subscribe scans every entry: subscribes are rare next to
    // publishes, and this keeps publishing a retained message one hash update.
    std::unordered_map<std::string, MessagePtr, StringHash, std::equal_to<>> by_topic_;
};

}  // namespace ts::broker
