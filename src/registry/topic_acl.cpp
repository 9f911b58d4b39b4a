// Topic authorisation. A topic's first level picks the one rule that can
// apply, so a check costs a few string comparisons; only custom topics
// (/{pk}/{dn}/user/...) look at the product's topic classes, of which there
// are few.
//
// Subscriptions: a filter is granted only when every topic it can match is
// the device's own, i.e. the levels that name the product and the device are
// literal and equal to its own. PROTOCOL.md 1.9 asks to grant filters like
// "/sys/+/+/thing/#" and filter deliveries instead; that needs support in
// the broker's delivery path and is not done here, so such filters are
// refused.
#include "registry/topic_acl.hpp"

#include <array>
#include <string>

namespace ts::registry {

namespace {

constexpr std::size_t kMaxHead = 5;

// The first levels of a topic that starts with '/', and what follows them.
struct Head {
    std::array<std::string_view, kMaxHead> level{};
    std::size_t count = 0;
    std::string_view rest;  // "" or "/..." after the last level taken
};

Head split_head(std::string_view topic, std::size_t n) {
    Head h;
    if (topic.empty() || topic.front() != '/') return h;
    std::size_t pos = 1;
    while (h.count < n) {
        const auto slash = topic.find('/', pos);
        h.level[h.count++] =
            topic.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
        if (slash == std::string_view::npos) {
            h.rest = {};
            return h;
        }
        h.rest = topic.substr(slash);
        pos = slash + 1;
    }
    return h;
}

bool is_wildcard(std::string_view level) {
    return level == "+" || level == "#";
}

bool has_wildcard(std::string_view topic) {
    return topic.find_first_of("+#") != std::string_view::npos;
}

// Pops the next level off `s` ("a/b/c" -> "a", s = "b/c"); `done` once the
// last level was taken.
std::string_view next_level(std::string_view& s, bool& done) {
    const auto slash = s.find('/');
    const std::string_view level = s.substr(0, slash);
    done = slash == std::string_view::npos;
    s = done ? std::string_view{} : s.substr(slash + 1);
    return level;
}

// MQTT matching of a topic name against a filter.
bool filter_matches(std::string_view filter, std::string_view topic) {
    bool filter_done = false;
    bool topic_done = false;
    for (;;) {
        const std::string_view f = next_level(filter, filter_done);
        if (f == "#") return true;
        const std::string_view t = next_level(topic, topic_done);
        if (f != "+" && f != t) return false;
        if (filter_done || topic_done) {
            // "a/#" also matches "a" itself.
            return filter_done == topic_done || (topic_done && filter == "#");
        }
    }
}

// True when every topic `inner` can match is also matched by `outer`.
bool filter_covers(std::string_view outer, std::string_view inner) {
    bool outer_done = false;
    bool inner_done = false;
    for (;;) {
        const std::string_view o = next_level(outer, outer_done);
        if (o == "#") return true;
        const std::string_view i = next_level(inner, inner_done);
        if (i == "#") return false;
        if (o != "+" && (i == "+" || o != i)) return false;
        if (outer_done || inner_done) {
            return outer_done == inner_done || (inner_done && outer == "#");
        }
    }
}

bool permits(TopicPermission p, Action a) {
    if (p == TopicPermission::All) return true;
    return a == Action::Publish ? p == TopicPermission::Publish : p == TopicPermission::Subscribe;
}

// `user_rest` is what follows "/{pk}/{dn}/user/". `any_permission` serves
// RRPC, where the device both receives and answers on the same topic.
bool custom_allowed(Action action, std::string_view pk, std::string_view user_rest,
                    const std::vector<TopicClass>& classes, bool any_permission) {
    for (const auto& c : classes) {
        if (!any_permission && !permits(c.permission, action)) continue;
        // "/{pk}/${deviceName}/user/"
        std::string_view t = c.topic;
        constexpr std::string_view kDn = "/${deviceName}/user/";
        if (t.size() < pk.size() + 1 + kDn.size() || t[0] != '/' || t.substr(1, pk.size()) != pk ||
            t.substr(1 + pk.size(), kDn.size()) != kDn) {
            continue;
        }
        const std::string_view class_rest = t.substr(1 + pk.size() + kDn.size());
        const bool ok = action == Action::Publish ? filter_matches(class_rest, user_rest)
                                                  : filter_covers(class_rest, user_rest);
        if (ok) return true;
    }
    return false;
}

bool owns(std::string_view level, std::string_view value) {
    return level == value;
}

// /sys/{pk}/{dn}/... and /{pk}/{dn}/user/...: the topics an RRPC may carry.
bool rrpc_inner_allowed(Action action, std::string_view pk, std::string_view dn,
                        std::string_view inner, const std::vector<TopicClass>& classes) {
    const Head h = split_head(inner, 3);
    if (h.count < 3 || h.rest.size() < 2) return false;
    if (h.level[0] == "sys") return owns(h.level[1], pk) && owns(h.level[2], dn);
    return owns(h.level[0], pk) && owns(h.level[1], dn) && h.level[2] == "user" &&
           custom_allowed(action, pk, h.rest.substr(1), classes, true);
}

bool ext_allowed(Action action, std::string_view pk, std::string_view dn, std::string_view topic,
                 const std::vector<TopicClass>& classes) {
    const Head h = split_head(topic, 4);
    if (h.count < 3 || h.level[1].empty() || is_wildcard(h.level[1])) return false;
    if (h.level[1] == "rrpc") {
        // /ext/rrpc/{msgId}/{full topic}; '+' for the msgId is how devices
        // subscribe to all requests.
        const Head r = split_head(topic, 3);
        if (r.level[2].empty() || r.level[2] == "#") return false;
        return rrpc_inner_allowed(action, pk, dn, r.rest, classes);
    }
    // /ext/{ntp,session,error,...}/{pk}/{dn}[/...]
    return h.count == 4 && owns(h.level[2], pk) && owns(h.level[3], dn);
}

bool ota_allowed(Action action, std::string_view pk, std::string_view dn, std::string_view topic) {
    const Head h = split_head(topic, 5);
    if (h.count != 5 || !h.rest.empty() || h.level[1] != "device" || !owns(h.level[3], pk) ||
        !owns(h.level[4], dn)) {
        return false;
    }
    const std::string_view kind = h.level[2];
    if (kind == "inform" || kind == "progress") return action == Action::Publish;
    if (kind == "upgrade") return action == Action::Subscribe;
    // The legacy request topic is answered on the same topic (C SDK v3).
    return kind == "request";
}

bool shadow_allowed(Action action, std::string_view pk, std::string_view dn,
                    std::string_view topic) {
    const Head h = split_head(topic, 4);
    if (h.count != 4 || !h.rest.empty() || !owns(h.level[2], pk) || !owns(h.level[3], dn)) {
        return false;
    }
    if (h.level[1] == "update") return action == Action::Publish;
    if (h.level[1] == "get") return action == Action::Subscribe;
    return false;
}

}  // namespace

bool device_may(Action action, std::string_view pk, std::string_view dn, std::string_view topic,
                const std::vector<TopicClass>& classes) {
    if (pk.empty() || dn.empty()) return false;
    if (action == Action::Publish && has_wildcard(topic)) return false;
    const Head h = split_head(topic, 3);
    if (h.count < 3) return false;
    const std::string_view first = h.level[0];
    if (first == "sys") return owns(h.level[1], pk) && owns(h.level[2], dn) && h.rest.size() >= 2;
    if (first == "ext") return ext_allowed(action, pk, dn, topic, classes);
    if (first == "ota") return ota_allowed(action, pk, dn, topic);
    if (first == "shadow") return shadow_allowed(action, pk, dn, topic);
    if (first == pk) {
        return owns(h.level[1], dn) && h.level[2] == "user" && h.rest.size() >= 2 &&
               custom_allowed(action, pk, h.rest.substr(1), classes, false);
    }
    return false;
}

bool is_system_downlink(std::string_view pk, std::string_view dn, std::string_view topic) {
    if (pk.empty() || dn.empty() || has_wildcard(topic)) return false;
    const Head h = split_head(topic, 5);
    if (h.count < 3) return false;
    const std::string_view first = h.level[0];
    if (first == "sys") {
        return owns(h.level[1], pk) && owns(h.level[2], dn) && h.count > 3 && !h.level[3].empty();
    }
    if (first == "ext") {
        if (h.level[1] == "rrpc") {
            const Head r = split_head(topic, 3);
            const Head inner = split_head(r.rest, 3);
            return !r.level[2].empty() && inner.count == 3 && inner.level[0] == "sys" &&
                   owns(inner.level[1], pk) && owns(inner.level[2], dn) && inner.rest.size() >= 2;
        }
        return !h.level[1].empty() && h.count >= 4 && owns(h.level[2], pk) && owns(h.level[3], dn);
    }
    if (first == "ota") {
        return h.count == 5 && h.rest.empty() && h.level[1] == "device" &&
               h.level[2] == "upgrade" && owns(h.level[3], pk) && owns(h.level[4], dn);
    }
    if (first == "shadow") {
        return h.count == 4 && h.rest.empty() && h.level[1] == "get" && owns(h.level[2], pk) &&
               owns(h.level[3], dn);
    }
    return false;
}

}  // namespace ts::registry
