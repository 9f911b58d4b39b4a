#pragma once
// Which Alink operation a device's message is, from its topic alone
// (PROTOCOL.md 3.0: the topic decides, not the payload's `method`).
#include <string>
#include <string_view>

namespace ts::thing {

enum class Uplink {
    None,              // not a topic the thing layer answers
    PropertyPost,      // /sys/pk/dn/thing/event/property/post
    EventPost,         // /sys/pk/dn/thing/event/{id}/post            (id = event)
    BatchPost,         // /sys/pk/dn/thing/event/property/batch/post
    PackPost,          // /sys/pk/dn/thing/event/property/pack/post
    HistoryPost,       // /sys/pk/dn/thing/event/property/history/post
    PropertySetReply,  // /sys/pk/dn/thing/service/property/set_reply
    PropertyGetReply,  // /sys/pk/dn/thing/service/property/get_reply
    ServiceReply,      // /sys/pk/dn/thing/service/{id}_reply         (id = service)
    RrpcResponse,      // /sys/pk/dn/rrpc/response/{id}               (id = message id)
    DesiredGet,        // /sys/pk/dn/thing/property/desired/get
    DesiredDelete,     // /sys/pk/dn/thing/property/desired/delete
    TagsUpdate,        // /sys/pk/dn/thing/deviceinfo/update
    TagsDelete,        // /sys/pk/dn/thing/deviceinfo/delete
    ConfigGet,         // /sys/pk/dn/thing/config/get
    ConfigPushReply,   // /sys/pk/dn/thing/config/push_reply
    TslGet,            // /sys/pk/dn/thing/dsltemplate/get, thing/dynamicTsl/get
    UpRaw,             // /sys/pk/dn/thing/model/up_raw
    NtpRequest,        // /ext/ntp/pk/dn/request
    ShadowUpdate,      // /shadow/update/pk/dn
    FirmwareGet,       // /sys/pk/dn/thing/ota/firmware/get
    OtaInform,         // /ota/device/inform/pk/dn                   (firmware version report)
    OtaRequest,        // /ota/device/request/pk/dn   (legacy; answered on the same topic)
    // A request on a system topic the platform does not implement: answered
    // on the topic + "_reply" with an error, so the SDK does not wait out
    // its timeout. id = the method's path, e.g. "thing/topo/add" for
    // /sys/pk/dn/thing/topo/add, "combine/login" for /ext/session/pk/dn/combine/login.
    Unsupported,
    // A system topic without a reply that the platform does not handle yet
    // (e.g. OTA progress): logged once per device. id as for Unsupported.
    Unhandled,
};

struct UplinkTopic {
    Uplink kind = Uplink::None;
    std::string_view product_key;
    std::string_view device_name;
    std::string_view id;  // event or service identifier, or RRPC message id
};

// Views into `topic`, which must outlive the result. Replies from the device
// to the platform's requests ("..._reply"), RRPC answers, custom topics and
// anything outside the system namespaces classify as None or as the reply
// they are, never as Unsupported.
UplinkTopic classify_uplink(std::string_view topic);

// "thing.topo.add" for the path "thing/topo/add": the method name Alibaba
// uses for the request on that topic.
std::string method_of_path(std::string_view path);

}  // namespace ts::thing
