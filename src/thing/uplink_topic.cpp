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

constexpr std::array<Fixed, 15> kFixed{{
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
}};

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
    return {};
}

}  // namespace

UplinkTopic classify_uplink(std::string_view topic) {
    if (topic.starts_with("/sys/")) return classify_sys(topic.substr(5));
    if (topic.starts_with("/ext/ntp/")) {
        std::string_view rest = topic.substr(9);
        UplinkTopic t;
        t.product_key = next_level(rest);
        t.device_name = next_level(rest);
        if (!t.product_key.empty() && !t.device_name.empty() && rest == "request")
            t.kind = Uplink::NtpRequest;
        return t.kind == Uplink::None ? UplinkTopic{} : t;
    }
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

}  // namespace ts::thing
