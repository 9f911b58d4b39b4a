#include "app/bench/props_payload.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace ts::app::bench {

namespace {

void append_u16(std::vector<std::uint8_t>& out, std::size_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

void skip_spaces(std::string_view s, std::size_t& at) {
    while (at < s.size() && (s[at] == ' ' || s[at] == '\t' || s[at] == '\n' || s[at] == '\r')) ++at;
}

// The position just after `"key":` (and any spaces), or npos. `last`: the
// final occurrence, for keys that may also appear inside "data".
std::size_t after_key(std::string_view s, std::string_view quoted_key, bool last) {
    std::size_t at = last ? s.rfind(quoted_key) : s.find(quoted_key);
    if (at == std::string_view::npos) return at;
    at += quoted_key.size();
    skip_spaces(s, at);
    if (at >= s.size() || s[at] != ':') return std::string_view::npos;
    ++at;
    skip_spaces(s, at);
    return at;
}

}  // namespace

std::string property_value(const NumericProperty& p, std::uint64_t seq) {
    const double span = p.max - p.min;
    if (p.integer) {
        const auto lo = static_cast<long long>(std::ceil(p.min));
        const auto hi = static_cast<long long>(std::floor(p.max));
        if (hi <= lo) return std::to_string(lo);
        const auto width = static_cast<std::uint64_t>(std::min<long long>(hi - lo, 1000)) + 1;
        return std::to_string(lo + static_cast<long long>(seq % width));
    }
    // Strictly inside the range by 1 %, so printing two decimals cannot
    // round a value out of it; tiny ranges get every digit instead.
    const double f = 0.01 + 0.98 * static_cast<double>((seq * 37) % 1000) / 1000.0;
    char buf[40];
    std::snprintf(buf, sizeof buf, span >= 1 ? "%.2f" : "%.17g", p.min + span * f);
    return buf;
}

void property_post_json(std::string& out, std::uint64_t id,
                        std::span<const NumericProperty> properties) {
    out.clear();
    out += R"({"id":")";
    out += std::to_string(id);
    out += R"(","version":"1.0","params":{)";
    for (std::size_t i = 0; i < properties.size(); ++i) {
        if (i > 0) out += ',';
        out += '"';
        out += properties[i].identifier;
        out += "\":";
        out += property_value(properties[i], id + i);
    }
    out += R"(},"method":"thing.event.property.post"})";
}

void append_publish(std::vector<std::uint8_t>& out, std::string_view topic, std::uint16_t packet_id,
                    std::string_view payload) {
    const bool qos1 = packet_id != 0;
    out.push_back(qos1 ? 0x32 : 0x30);
    std::size_t remaining = 2 + topic.size() + (qos1 ? 2 : 0) + payload.size();
    // Remaining length: 7 bits a byte, least significant first.
    do {
        auto byte = static_cast<std::uint8_t>(remaining & 0x7F);
        remaining >>= 7;
        if (remaining > 0) byte |= 0x80;
        out.push_back(byte);
    } while (remaining > 0);
    append_u16(out, topic.size());
    out.insert(out.end(), topic.begin(), topic.end());
    if (qos1) append_u16(out, packet_id);
    out.insert(out.end(), payload.begin(), payload.end());
}

std::optional<PostReply> parse_post_reply(std::string_view payload) {
    PostReply r;
    // The platform writes the keys sorted: "code" first, the top-level "id"
    // after "data" (whose keys are property identifiers, maybe "id").
    auto at = after_key(payload, R"("code")", false);
    if (at == std::string_view::npos) return std::nullopt;
    const auto* end = payload.data() + payload.size();
    if (std::from_chars(payload.data() + at, end, r.code).ec != std::errc{}) return std::nullopt;
    at = after_key(payload, R"("id")", true);
    if (at == std::string_view::npos || at >= payload.size() || payload[at] != '"')
        return std::nullopt;
    ++at;
    const auto id = std::from_chars(payload.data() + at, end, r.id);
    if (id.ec != std::errc{} || id.ptr == end || *id.ptr != '"') return std::nullopt;
    return r;
}

}  // namespace ts::app::bench
