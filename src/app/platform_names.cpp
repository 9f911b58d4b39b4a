#include "app/platform_names.hpp"

#include <algorithm>

namespace ts::app {

namespace {
bool is_hex(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
}
bool is_number(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// `topic` is `root` or below it.
bool at_or_below(std::string_view topic, std::string_view root) {
    return topic.starts_with(root) && (topic.size() == root.size() || topic[root.size()] == '/');
}
}  // namespace

bool is_reserved_client_id(std::string_view id) {
    if (id.starts_with(kDeviceSessionPrefix)) return true;
    // Broker::assign_client_id: "ts-{random hex}-{counter}".
    if (!id.starts_with("ts-")) return false;
    id.remove_prefix(3);
    auto dash = id.find('-');
    return dash != std::string_view::npos && is_hex(id.substr(0, dash)) &&
           is_number(id.substr(dash + 1));
}

bool is_platform_topic(std::string_view topic) {
    if (at_or_below(topic, "$SYS") || at_or_below(topic, "/as/mqtt/status")) return true;
    // "/{pk}/{dn}/thing" and below: the fourth level (the first is empty).
    // Product keys are generated, never one of Alibaba's system roots, under
    // which a device named "thing" may appear at that level.
    if (!topic.starts_with('/')) return false;
    for (std::string_view root : {"/sys", "/ext", "/ota", "/shadow"})
        if (at_or_below(topic, root)) return false;
    std::size_t pos = 1;
    for (int level = 1; level < 3; ++level) {
        pos = topic.find('/', pos);
        if (pos == std::string_view::npos) return false;
        ++pos;
    }
    return at_or_below(topic.substr(pos), "thing");
}

}  // namespace ts::app
