#include "broker/subscription_index.hpp"

#include <algorithm>

#include "broker/session.hpp"
#include "broker/topic.hpp"

namespace ts::broker {

struct SubscriptionIndex::SharedGroup {
    std::shared_ptr<const ShareKey> key;
    std::vector<Subscriber> members;
    mutable std::atomic<std::size_t> next{0};
};

struct SubscriptionIndex::Entry {
    std::vector<Subscriber> subscribers;
    std::vector<std::unique_ptr<SharedGroup>> groups;
    bool empty() const { return subscribers.empty() && groups.empty(); }
};

struct SubscriptionIndex::Node {
    std::unordered_map<std::string, std::unique_ptr<Node>, StringHash, std::equal_to<>> children;
    std::unique_ptr<Node> plus;
    Entry here;  // filters ending at this level
    Entry hash;  // filters ending with "/#" below this level
    bool empty() const { return children.empty() && !plus && here.empty() && hash.empty(); }
};

SubscriptionIndex::SubscriptionIndex() : root_(std::make_unique<Node>()) {}
SubscriptionIndex::~SubscriptionIndex() = default;

namespace {
bool has_wildcard(std::string_view f) {
    return f.find_first_of("+#") != std::string_view::npos;
}

// Member choice: round robin, skipping members that are offline when any is
// online, so a message is not parked in a disconnected member's queue.
std::size_t choose(const std::vector<Subscriber>& members, std::atomic<std::size_t>& next,
                   const Session* exclude) {
    std::size_t n = members.size();
    std::size_t start = next.fetch_add(1, std::memory_order_relaxed);
    std::size_t fallback = n;
    for (std::size_t k = 0; k < n; ++k) {
        std::size_t i = (start + k) % n;
        const Session* s = members[i].session.get();
        if (s == exclude) continue;
        if (s->online()) return i;
        if (fallback == n) fallback = i;
    }
    return fallback;
}
}  // namespace

SubscriptionIndex::Entry* SubscriptionIndex::find_entry(std::string_view filter, bool create) {
    if (!has_wildcard(filter)) {
        auto it = exact_.find(filter);
        if (it != exact_.end()) return it->second.get();
        if (!create) return nullptr;
        return exact_.emplace(std::string(filter), std::make_unique<Entry>()).first->second.get();
    }
    Node* node = root_.get();
    Entry* result = nullptr;
    bool missing = false;
    for_each_level(filter, [&](std::string_view level) {
        if (missing || result) return;
        if (level == "#") {
            result = &node->hash;
            return;
        }
        if (level == "+") {
            if (!node->plus) {
                if (!create) {
                    missing = true;
                    return;
                }
                node->plus = std::make_unique<Node>();
            }
            node = node->plus.get();
            return;
        }
        auto it = node->children.find(level);
        if (it == node->children.end()) {
            if (!create) {
                missing = true;
                return;
            }
            it = node->children.emplace(std::string(level), std::make_unique<Node>()).first;
        }
        node = it->second.get();
    });
    if (missing) return nullptr;
    return result ? result : &node->here;
}

bool SubscriptionIndex::add(std::string_view filter, std::string_view group, Subscriber sub) {
    Entry* e = find_entry(filter, true);
    std::vector<Subscriber>* list = &e->subscribers;
    if (!group.empty()) {
        auto g = std::find_if(e->groups.begin(), e->groups.end(),
                              [&](const auto& sg) { return sg->key->group == group; });
        if (g == e->groups.end()) {
            auto sg = std::make_unique<SharedGroup>();
            sg->key =
                std::make_shared<const ShareKey>(ShareKey{std::string(group), std::string(filter)});
            g = e->groups.insert(e->groups.end(), std::move(sg));
        }
        list = &(*g)->members;
    }
    for (auto& existing : *list) {
        if (existing.session == sub.session && existing.sink == sub.sink) {
            existing = std::move(sub);
            return false;
        }
    }
    list->push_back(std::move(sub));
    ++count_;
    return true;
}

bool SubscriptionIndex::remove(std::string_view filter, std::string_view group,
                               const Session* session) {
    Entry* e = find_entry(filter, false);
    if (!e) return false;
    bool removed = false;
    auto drop = [&](std::vector<Subscriber>& list) {
        auto it = std::find_if(list.begin(), list.end(), [&](const Subscriber& s) {
            return !s.sink && s.session.get() == session;
        });
        if (it == list.end()) return;
        list.erase(it);
        removed = true;
        --count_;
    };
    if (group.empty()) {
        drop(e->subscribers);
    } else {
        for (auto g = e->groups.begin(); g != e->groups.end(); ++g) {
            if ((*g)->key->group != group) continue;
            drop((*g)->members);
            if ((*g)->members.empty()) e->groups.erase(g);
            break;
        }
    }
    if (e->empty()) prune(filter);
    return removed;
}

bool SubscriptionIndex::add_sink(std::string_view filter, std::shared_ptr<MessageSink> sink) {
    Entry* e = find_entry(filter, true);
    for (const auto& existing : e->subscribers)
        if (existing.sink == sink) return false;
    Subscriber sub;
    sub.sink = std::move(sink);
    sub.options.max_qos = mqtt::QoS::ExactlyOnce;
    e->subscribers.push_back(std::move(sub));
    ++sinks_;
    return true;
}

bool SubscriptionIndex::remove_sink(std::string_view filter, const MessageSink* sink) {
    Entry* e = find_entry(filter, false);
    if (!e) return false;
    auto it = std::find_if(e->subscribers.begin(), e->subscribers.end(),
                           [&](const Subscriber& s) { return s.sink.get() == sink; });
    if (it == e->subscribers.end()) return false;
    e->subscribers.erase(it);
    --sinks_;
    if (e->empty()) prune(filter);
    return true;
}

void SubscriptionIndex::prune(std::string_view filter) {
    if (!has_wildcard(filter)) {
        auto it = exact_.find(filter);
        if (it != exact_.end() && it->second->empty()) exact_.erase(it);
        return;
    }
    // Walk down remembering the path, then remove empty nodes bottom-up.
    std::vector<std::pair<Node*, std::string_view>> path;
    Node* node = root_.get();
    bool stop = false;
    for_each_level(filter, [&](std::string_view level) {
        if (stop || level == "#") return;
        Node* child = nullptr;
        if (level == "+") {
            child = node->plus.get();
        } else {
            auto it = node->children.find(level);
            if (it != node->children.end()) child = it->second.get();
        }
        if (!child) {
            stop = true;
            return;
        }
        path.emplace_back(node, level);
        node = child;
    });
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
        auto [parent, level] = *it;
        Node* child =
            level == "+" ? parent->plus.get() : parent->children.find(level)->second.get();
        if (!child->empty()) break;
        if (level == "+")
            parent->plus.reset();
        else
            parent->children.erase(parent->children.find(level));
    }
}

std::size_t SubscriptionIndex::collect(const Entry& e, std::vector<Match>& out) {
    const std::size_t before = out.size();
    for (const auto& s : e.subscribers)
        out.push_back({s.session, s.sink, s.options, s.subscription_id, nullptr});
    for (const auto& g : e.groups) {
        if (g->members.empty()) continue;
        const auto& m = g->members[choose(g->members, g->next, nullptr)];
        out.push_back({m.session, nullptr, m.options, m.subscription_id, g->key});
    }
    return out.size() > before ? 1 : 0;
}

std::size_t SubscriptionIndex::match_node(const Node& n,
                                          const std::vector<std::string_view>& levels,
                                          std::size_t i, std::vector<Match>& out) const {
    std::size_t filters = 0;
    // "a/#" matches "a" itself and everything below it.
    if (!n.hash.empty() && !(i == 0 && !levels[0].empty() && levels[0][0] == '$'))
        filters += collect(n.hash, out);
    if (i == levels.size()) return filters + collect(n.here, out);
    auto it = n.children.find(levels[i]);
    if (it != n.children.end()) filters += match_node(*it->second, levels, i + 1, out);
    if (n.plus && !(i == 0 && !levels[0].empty() && levels[0][0] == '$'))
        filters += match_node(*n.plus, levels, i + 1, out);
    return filters;
}

std::size_t SubscriptionIndex::match(std::string_view topic, std::vector<Match>& out) const {
    std::size_t filters = 0;
    if (auto it = exact_.find(topic); it != exact_.end()) filters += collect(*it->second, out);
    const Node& r = *root_;
    if (r.children.empty() && !r.plus && r.hash.empty()) return filters;
    thread_local std::vector<std::string_view> levels;
    levels.clear();
    for_each_level(topic, [&](std::string_view l) { levels.push_back(l); });
    return filters + match_node(r, levels, 0, out);
}

Match SubscriptionIndex::pick_member(const ShareKey& key, const Session* exclude) const {
    const Entry* e = const_cast<SubscriptionIndex*>(this)->find_entry(key.filter, false);
    if (!e) return {};
    for (const auto& g : e->groups) {
        if (g->key->group != key.group) continue;
        std::size_t i = choose(g->members, g->next, exclude);
        if (i == g->members.size()) return {};
        const auto& m = g->members[i];
        return {m.session, nullptr, m.options, m.subscription_id, g->key};
    }
    return {};
}

}  // namespace ts::broker
