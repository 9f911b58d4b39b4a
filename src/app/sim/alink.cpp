#include "app/sim/alink.hpp"

namespace ts::app::sim {

std::string sys_prefix(std::string_view pk, std::string_view dn) {
    std::string s = "/sys/";
    s.append(pk).append("/").append(dn).append("/");
    return s;
}

std::string property_post_topic(std::string_view pk, std::string_view dn) {
    return sys_prefix(pk, dn) + "thing/event/property/post";
}

std::string event_post_topic(std::string_view pk, std::string_view dn, std::string_view event) {
    return sys_prefix(pk, dn) + "thing/event/" + std::string(event) + "/post";
}

std::vector<std::string> downlink_filters(std::string_view pk, std::string_view dn) {
    const std::string base = sys_prefix(pk, dn);
    return {base + "thing/service/+", base + "rrpc/request/+"};
}

nlohmann::json alink_request(std::string id, std::string method, nlohmann::json params) {
    return {{"id", std::move(id)},
            {"version", "1.0"},
            {"params", std::move(params)},
            {"method", std::move(method)}};
}

nlohmann::json alink_reply(const nlohmann::json& id, int code, nlohmann::json data) {
    return {{"id", id}, {"code", code}, {"data", std::move(data)}};
}

Downlink classify_downlink(std::string_view pk, std::string_view dn, std::string_view topic) {
    Downlink d;
    const std::string base = sys_prefix(pk, dn);
    if (!topic.starts_with(base)) return d;
    const std::string_view rest = topic.substr(base.size());

    constexpr std::string_view kService = "thing/service/";
    constexpr std::string_view kRrpc = "rrpc/request/";
    constexpr std::string_view kEvent = "thing/event/";
    if (rest.starts_with(kService)) {
        const std::string_view id = rest.substr(kService.size());
        if (id.empty() || id.ends_with("_reply")) return d;
        if (id == "property/set") {
            d.kind = DownlinkKind::PropertySet;
        } else if (id == "property/get") {
            d.kind = DownlinkKind::PropertyGet;
        } else if (id.find('/') == std::string_view::npos) {
            d.kind = DownlinkKind::Service;
            d.service = std::string(id);
        } else {
            return d;
        }
        d.reply_topic = std::string(topic) + "_reply";
    } else if (rest.starts_with(kRrpc)) {
        const std::string_view msg_id = rest.substr(kRrpc.size());
        if (msg_id.empty() || msg_id.find('/') != std::string_view::npos) return d;
        d.kind = DownlinkKind::Rrpc;
        d.reply_topic = base + "rrpc/response/" + std::string(msg_id);
    } else if (rest.starts_with(kEvent) && rest.ends_with("/post_reply")) {
        d.kind = DownlinkKind::PostReply;
    }
    return d;
}

std::string service_of_method(std::string_view method) {
    constexpr std::string_view kPrefix = "thing.service.";
    if (!method.starts_with(kPrefix) || method.size() == kPrefix.size()) return {};
    return std::string(method.substr(kPrefix.size()));
}

}  // namespace ts::app::sim
