#include "app/sim/stats.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace ts::app::sim {

Snapshot snapshot(const Counters& c, std::size_t devices, double elapsed_s) {
    constexpr auto r = std::memory_order_relaxed;
    Snapshot s;
    s.elapsed_s = elapsed_s;
    s.devices = devices;
    s.online = c.online.load(r);
    s.posts = c.posts.load(r);
    s.events = c.events.load(r);
    s.replies_ok = c.replies_ok.load(r);
    s.replies_other = c.replies_other.load(r);
    s.sets = c.sets.load(r);
    s.services = c.services.load(r);
    s.errors = c.errors.load(r);
    return s;
}

std::string format_snapshot(const Snapshot& s, bool json) {
    const double elapsed = std::round(s.elapsed_s * 10) / 10;
    if (json) {
        return nlohmann::json{{"elapsedS", elapsed},
                              {"devices", s.devices},
                              {"online", s.online},
                              {"posts", s.posts},
                              {"events", s.events},
                              {"replies200", s.replies_ok},
                              {"repliesOther", s.replies_other},
                              {"sets", s.sets},
                              {"services", s.services},
                              {"errors", s.errors}}
            .dump();
    }
    char head[32];
    std::snprintf(head, sizeof head, "[%5.0fs]", elapsed);
    return std::string(head) + " online " + std::to_string(s.online) + "/" +
           std::to_string(s.devices) + "  posts " + std::to_string(s.posts) + " (events " +
           std::to_string(s.events) + ")  replies 200: " + std::to_string(s.replies_ok) +
           ", other: " + std::to_string(s.replies_other) + "  sets " + std::to_string(s.sets) +
           "  services " + std::to_string(s.services) + "  errors " + std::to_string(s.errors);
}

}  // namespace ts::app::sim
