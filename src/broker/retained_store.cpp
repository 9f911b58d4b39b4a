#include "broker/retained_store.hpp"

#include <mutex>

#include "broker/topic.hpp"

namespace ts::broker {

std::string_view to_string(RetainOutcome o) {
    switch (o) {
        case RetainOutcome::Stored:
            return "stored";
        case RetainOutcome::Cleared:
            return "cleared";
        case RetainOutcome::Unchanged:
            return "unchanged";
        case RetainOutcome::PayloadTooLarge:
            return "payload over mqtt.max_retained_payload";
        case RetainOutcome::StoreFull:
            return "retained store full (mqtt.max_retained_messages / max_retained_bytes)";
        case RetainOutcome::OwnerFull:
            return "client's share full (mqtt.max_retained_per_client / "
                   "max_retained_bytes_per_client)";
    }
    return "?";
}

RetainOutcome RetainedStore::check_locked(std::string_view topic, std::size_t payload_size,
                                          std::string_view owner) const {
    auto it = by_topic_.find(topic);
    if (payload_size == 0)
        return it == by_topic_.end() ? RetainOutcome::Unchanged : RetainOutcome::Cleared;
    if (payload_size > limits_.max_payload) return RetainOutcome::PayloadTooLarge;
    // What the store holds once the topic's old message (if any) is replaced.
    const bool replaces = it != by_topic_.end();
    const std::uint64_t old_cost = replaces ? cost(topic, it->second.msg->payload.size()) : 0;
    const std::uint64_t new_cost = cost(topic, payload_size);
    const std::uint64_t messages = by_topic_.size() + (replaces ? 0 : 1);
    if (messages > limits_.max_messages || bytes_ - old_cost + new_cost > limits_.max_bytes)
        return RetainOutcome::StoreFull;
    if (!owner.empty()) {
        const bool same_owner = replaces && it->second.owner == owner;
        Usage u;
        if (auto o = by_owner_.find(owner); o != by_owner_.end()) u = o->second;
        const std::uint64_t owner_messages = u.messages + (same_owner ? 0 : 1);
        const std::uint64_t owner_bytes = u.bytes - (same_owner ? old_cost : 0) + new_cost;
        if (owner_messages > limits_.max_per_owner || owner_bytes > limits_.max_bytes_per_owner)
            return RetainOutcome::OwnerFull;
    }
    return RetainOutcome::Stored;
}

void RetainedStore::charge_locked(const std::string& owner, std::int64_t messages,
                                  std::int64_t bytes) {
    if (owner.empty()) return;
    auto& u = by_owner_[owner];
    u.messages = static_cast<std::uint32_t>(u.messages + messages);
    u.bytes = static_cast<std::uint64_t>(static_cast<std::int64_t>(u.bytes) + bytes);
    if (u.messages == 0) by_owner_.erase(owner);
}

RetainOutcome RetainedStore::check(std::string_view topic, std::size_t payload_size,
                                   std::string_view owner) const {
    std::shared_lock lock(mutex_);
    return check_locked(topic, payload_size, owner);
}

RetainOutcome RetainedStore::set(const MessagePtr& msg, std::string_view owner) {
    std::unique_lock lock(mutex_);
    auto outcome = check_locked(msg->topic, msg->payload.size(), owner);
    if (refused(outcome) || outcome == RetainOutcome::Unchanged) return outcome;
    auto it = by_topic_.find(msg->topic);
    if (it != by_topic_.end()) {
        const auto old_cost = cost(msg->topic, it->second.msg->payload.size());
        bytes_ -= old_cost;
        charge_locked(it->second.owner, -1, -static_cast<std::int64_t>(old_cost));
        if (outcome == RetainOutcome::Cleared) {
            by_topic_.erase(it);
            return outcome;
        }
        it->second = Entry{msg, std::string(owner)};
    } else {
        by_topic_.emplace(msg->topic, Entry{msg, std::string(owner)});
    }
    const auto new_cost = cost(msg->topic, msg->payload.size());
    bytes_ += new_cost;
    charge_locked(std::string(owner), 1, static_cast<std::int64_t>(new_cost));
    return outcome;
}

std::vector<std::string> RetainedStore::erase_if(
    const std::function<bool(const std::string& topic, const std::string& owner)>& match) {
    std::vector<std::string> topics;
    std::unique_lock lock(mutex_);
    for (auto it = by_topic_.begin(); it != by_topic_.end();) {
        if (!match(it->first, it->second.owner)) {
            ++it;
            continue;
        }
        const auto c = cost(it->first, it->second.msg->payload.size());
        bytes_ -= c;
        charge_locked(it->second.owner, -1, -static_cast<std::int64_t>(c));
        topics.push_back(it->first);
        it = by_topic_.erase(it);
    }
    return topics;
}

std::vector<MessagePtr> RetainedStore::match(std::string_view filter, Millis now) const {
    std::vector<MessagePtr> out;
    std::shared_lock lock(mutex_);
    auto live = [&](const MessagePtr& m) { return m->expiry_at == 0 || m->expiry_at > now; };
    if (filter.find_first_of("+#") == std::string_view::npos) {
        if (auto it = by_topic_.find(filter); it != by_topic_.end() && live(it->second.msg))
            out.push_back(it->second.msg);
        return out;
    }
    for (const auto& [topic, e] : by_topic_)
        if (topic_matches(filter, topic) && live(e.msg)) out.push_back(e.msg);
    return out;
}

std::size_t RetainedStore::size() const {
    std::shared_lock lock(mutex_);
    return by_topic_.size();
}

std::uint64_t RetainedStore::bytes() const {
    std::shared_lock lock(mutex_);
    return bytes_;
}

void RetainedStore::for_each(const std::function<void(const MessagePtr&)>& f) const {
    std::shared_lock lock(mutex_);
    for (const auto& [topic, e] : by_topic_) f(e.msg);
}

}  // namespace ts::broker
