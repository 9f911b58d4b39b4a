#include "thing/uplink_topic.hpp"

#include <array>

namespace ts::thing {

namespace {

// Splits off the next '/'-separated level of `rest`.
std::string_view next_level(std::string_view& rest) {
    auto slash = rest.find('/');
    std::string_view level = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    return level;
}

struct Fixed {
    std::string_view suffix;  // after /sys/pk/dn/
    Uplink kind;
};

constexpr std::array<Fixed, 16> kFixed{{
    {"thing/event/property/post", Uplink::PropertyPost},
    {"thing/event/property/batch/post", Uplink::BatchPost},
    {"thing/event/property/pack/post", Uplink::PackPost},
    {"thing/event/property/history/post", Uplink::HistoryPost},
    {"thing/service/property/set_reply", Uplink::PropertySetReply},
    {"thing/service/property/get_reply", Uplink::PropertyGetReply},
    {"thing/property/desired/get", Uplink::DesiredGet},
    {"thing/property/desired/delete", Uplink::DesiredDelete},
    {"thing/deviceinfo/update", Uplink::TagsUpdate},
    {"thing/deviceinfo/delete", Uplink::TagsDelete},
    {"thing/config/get", Uplink::ConfigGet},
    {"thing/config/push_reply", Uplink::ConfigPushReply},
    {"thing/dsltemplate/get", Uplink::TslGet},
    {"thing/dynamicTsl/get", Uplink::TslGet},
    {"thing/model/up_raw", Uplink::UpRaw},
    {"thing/ota/firmware/get", Uplink::FirmwareGet},
}};

// Topics under /sys/pk/dn/ that carry the platform's requests to the device
// (PROTOCOL.md 3.1): a device has no business publishing on them, and an
// error "reply" there would land on its own request topic.
constexpr std::array<std::string_view, 5> kDownlinks{{
    "thing/disable",
    "thing/enable",
    "thing/delete",
    "thing/topo/change",
    "thing/model/down_raw",
}};

bool has_empty_level(std::string_view path) {
    return path.empty() || path.front() == '/' || path.back() == '/' ||
           path.find("//") != std::string_view::npos;
}

// A request the device makes (as opposed to its answer to one of ours, or a
// downlink topic): the rest of /sys/pk/dn/ after the known topics.
bool is_device_request(std::string_view rest) {
    if (has_empty_level(rest)) return false;
    if (rest.ends_with("_reply")) return false;  // its answer to a downlink
    // RRPC requests are downlinks, the responses are handled; service calls
    // (thing/service/{id}) are downlinks and their answers end in _reply.
    if (rest.starts_with("rrpc/") || rest.starts_with("thing/service/")) return false;
    // config/push, config/log/push, topo/add/notify, job/notify,
    // bootstrap/notify: the platform's messages.
    if (rest.ends_with("/push") || rest.ends_with("/notify")) return false;
    for (auto d : kDownlinks)
        if (rest == d) return false;
    return true;
}

UplinkTopic classify_sys(std::string_view rest) {
    UplinkTopic t;
    t.product_key = next_level(rest);
    t.device_name = next_level(rest);
    if (t.product_key.empty() || t.device_name.empty()) return {};
    for (const auto& f : kFixed) {
        if (rest == f.suffix) {
            t.kind = f.kind;
            return t;
        }
    }
    constexpr std::string_view kRrpc = "rrpc/response/";
    if (rest.starts_with(kRrpc)) {
        t.id = rest.substr(kRrpc.size());
        if (t.id.empty() || t.id.find('/') != std::string_view::npos) return {};
        t.kind = Uplink::RrpcResponse;
        return t;
    }
    constexpr std::string_view kEvent = "thing/event/";
    constexpr std::string_view kPost = "/post";
    if (rest.starts_with(kEvent) && rest.ends_with(kPost) &&
        rest.size() > kEvent.size() + kPost.size()) {
        t.id = rest.substr(kEvent.size(), rest.size() - kEvent.size() - kPost.size());
        if (t.id.find('/') != std::string_view::npos) return {};
        t.kind = Uplink::EventPost;
        return t;
    }
    constexpr std::string_view kService = "thing/service/";
    constexpr std::string_view kReply = "_reply";
    if (rest.starts_with(kService) && rest.ends_with(kReply) &&
        rest.size() > kService.size() + kReply.size()) {
        t.id = rest.substr(kService.size(), rest.size() - kService.size() - kReply.size());
        if (t.id.find('/') != std::string_view::npos) return {};
        t.kind = Uplink::ServiceReply;
        return t;
    }
    if (is_device_request(rest)) {
        t.kind = Uplink::Unsupported;
        t.id = rest;
        return t;
    }
    return {};
}

// /ext/{kind}/pk/dn[/rest]. NTP is answered; gateway sessions are requests
// with replies; RRPC answers, /ext/error and dynamic registration are not
// the device's requests.
UplinkTopic classify_ext(std::string_view topic) {
    std::string_view rest = topic.substr(5);
    const std::string_view kind = next_level(rest);
    if (kind == "rrpc" || kind == "error" || kind == "register" || kind == "regnwl") return {};
    UplinkTopic t;
    t.product_key = next_level(rest);
    t.device_name = next_level(rest);
    if (kind.empty() || t.product_key.empty() || t.device_name.empty()) return {};
    if (kind == "ntp") {
        if (rest == "request") t.kind = Uplink::NtpRequest;
        return t.kind == Uplink::None ? UplinkTopic{} : t;
    }
    if (has_empty_level(rest) || rest.ends_with("_reply") || rest.ends_with("response")) return {};
    t.kind = kind == "session" ? Uplink::Unsupported : Uplink::Unhandled;
    t.id = kind == "session" ? rest : topic.substr(1, topic.size() - 1);
    return t;
}

// /ota/device/{kind}/pk/dn.
UplinkTopic classify_ota(std::string_view topic) {
    std::string_view rest = topic.substr(5);
    if (next_level(rest) != "device") return {};
    const std::string_view kind = next_level(rest);
    UplinkTopic t;
    t.product_key = next_level(rest);
    t.device_name = next_level(rest);
    if (kind.empty() || t.product_key.empty() || t.device_name.empty() || !rest.empty()) return {};
    if (kind == "upgrade") return {};  // the platform's push
    if (kind == "inform")
        t.kind = Uplink::OtaInform;
    else if (kind == "request")
        t.kind = Uplink::OtaRequest;
    else
        t.kind = Uplink::Unhandled;  // progress, and what comes later
    t.id = topic.substr(1, std::string_view("ota/device/").size() + kind.size());
    return t;
}

}  // namespace

UplinkTopic classify_uplink(std::string_view topic) {
    if (topic.starts_with("/sys/")) return classify_sys(topic.substr(5));
    if (topic.starts_with("/ext/")) return classify_ext(topic);
    if (topic.starts_with("/ota/")) return classify_ota(topic);
    if (topic.starts_with("/shadow/update/")) {
        std::string_view rest = topic.substr(15);
        UplinkTopic t;
        t.product_key = next_level(rest);
        t.device_name = next_level(rest);
        if (!t.product_key.empty() && !t.device_name.empty() && rest.empty())
            t.kind = Uplink::ShadowUpdate;
        return t.kind == Uplink::None ? UplinkTopic{} : t;
    }
    return {};
}

std::string method_of_path(std::string_view path) {
    std::string method(path);
    for (char& c : method)
        if (c == '/') c = '.';
    return method;
}

}  // namespace ts::thing
