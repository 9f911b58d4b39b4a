#include "broker/retained_store.hpp"

#include <mutex>

#include "broker/topic.hpp"

namespace ts::broker {

bool RetainedStore::set(const MessagePtr& msg) {
    std::unique_lock lock(mutex_);
    if (msg->payload.empty()) return by_topic_.erase(msg->topic) > 0;
    by_topic_[msg->topic] = msg;
    return true;
}

std::vector<MessagePtr> RetainedStore::match(std::string_view filter, Millis now) const {
    std::vector<MessagePtr> out;
    std::shared_lock lock(mutex_);
    auto live = [&](const MessagePtr& m) { return m->expiry_at == 0 || m->expiry_at > now; };
    if (filter.find_first_of("+#") == std::string_view::npos) {
        if (auto it = by_topic_.find(filter); it != by_topic_.end() && live(it->second))
            out.push_back(it->second);
        return out;
    }
    for (const auto& [topic, msg] : by_topic_)
        if (topic_matches(filter, topic) && live(msg)) out.push_back(msg);
    return out;
}

std::size_t RetainedStore::size() const {
    std::shared_lock lock(mutex_);
    return by_topic_.size();
}

void RetainedStore::for_each(const std::function<void(const MessagePtr&)>& f) const {
    std::shared_lock lock(mutex_);
    for (const auto& [topic, msg] : by_topic_) f(msg);
}

}  // namespace ts::broker
