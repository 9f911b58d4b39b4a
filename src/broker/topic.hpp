#pragma once
// Topic and filter helpers: level splitting, wildcard matching, and the
// `$share/{group}/{filter}` form of shared subscriptions.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ts::broker {

struct SharedFilter {
    std::string group;
    std::string filter;
};

// Splits "$share/g/a/b" into {"g", "a/b"}; nullopt when `filter` is not shared.
// An invalid shared form (empty group, wildcard in group, no filter) yields a
// SharedFilter with an empty group, which callers reject.
std::optional<SharedFilter> parse_shared(std::string_view filter);

// Does `topic` match `filter` (MQTT wildcard rules, `$` topics excluded from
// leading wildcards)?
bool topic_matches(std::string_view filter, std::string_view topic);

std::size_t count_levels(std::string_view topic);

template <typename F>
void for_each_level(std::string_view topic, F&& f) {
    std::size_t start = 0;
    while (true) {
        auto slash = topic.find('/', start);
        if (slash == std::string_view::npos) {
            f(topic.substr(start));
            return;
        }
        f(topic.substr(start, slash - start));
        start = slash + 1;
    }
}

}  // namespace ts::broker
