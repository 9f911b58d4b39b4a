#pragma once
// The Alink topics and envelopes a simulated device uses (PROTOCOL.md 3.0-3.5):
// what it posts, and what the downlinks it receives are.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace ts::app::sim {

// "/sys/{pk}/{dn}/"
std::string sys_prefix(std::string_view pk, std::string_view dn);
std::string property_post_topic(std::string_view pk, std::string_view dn);
std::string event_post_topic(std::string_view pk, std::string_view dn, std::string_view event);

// The filters Alibaba's npm SDK subscribes to for services and RRPC. The
// platform delivers these downlinks without them too.
std::vector<std::string> downlink_filters(std::string_view pk, std::string_view dn);

// {"id","version":"1.0","params","method"}
nlohmann::json alink_request(std::string id, std::string method, nlohmann::json params);
// {"id","code","data"}; the id is echoed as it came (PROTOCOL.md 3.0).
nlohmann::json alink_reply(const nlohmann::json& id, int code, nlohmann::json data);

enum class DownlinkKind {
    PropertySet,  // thing/service/property/set
    PropertyGet,  // thing/service/property/get (legacy)
    Service,      // thing/service/{id}: an async service
    Rrpc,         // rrpc/request/{msgId}: a sync service
    PostReply,    // thing/event/.../post_reply: the platform's answer to a post
    Other,
};

struct Downlink {
    DownlinkKind kind = DownlinkKind::Other;
    std::string service;      // Service: the identifier from the topic
    std::string reply_topic;  // where the answer goes (empty for PostReply, Other)
};

// What arrived on `topic` for device pk/dn.
Downlink classify_downlink(std::string_view pk, std::string_view dn, std::string_view topic);

// "thing.service.{id}" -> "{id}"; empty for anything else.
std::string service_of_method(std::string_view method);

}  // namespace ts::app::sim
