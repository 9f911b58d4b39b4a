// Topic Name and Topic Filter rules (spec 4.7).
#include <cstring>

#include "mqtt/codec.hpp"

namespace ts::mqtt {

bool is_valid_topic_name(std::string_view topic) {
    if (topic.empty() || topic.size() > 65535) return false;
    if (std::memchr(topic.data(), '+', topic.size()) != nullptr) return false;
    if (std::memchr(topic.data(), '#', topic.size()) != nullptr) return false;
    return is_valid_utf8(topic);
}

bool is_valid_topic_filter(std::string_view filter) {
    if (filter.empty() || filter.size() > 65535) return false;
    const std::size_t n = filter.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char c = filter[i];
        if (c == '#') {
            // Multi-level wildcard: alone in the last level.
            if (i + 1 != n) return false;
            if (i > 0 && filter[i - 1] != '/') return false;
        } else if (c == '+') {
            // Single-level wildcard: alone in its level.
            if (i > 0 && filter[i - 1] != '/') return false;
            if (i + 1 < n && filter[i + 1] != '/') return false;
        }
    }
    return is_valid_utf8(filter);
}

}  // namespace ts::mqtt
