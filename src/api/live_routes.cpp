// Live views for the console: GET /stream (server-sent events of the
// platform's device messages) and GET /overview (the dashboard's figures).
#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/errors.hpp"
#include "api/event_stream.hpp"
#include "api/json_body.hpp"
#include "api/routes.hpp"

namespace ts::api {
namespace {

namespace http = boost::beast::http;

// Each open stream holds a broker subscription and up to 1 MiB of pending
// events; a bound keeps a leaking client from growing that without limit.
constexpr int kMaxStreams = 256;

// A key or name used inside a topic filter must be a single plain level.
bool plain_level(const std::string& s) {
    return !s.empty() && s.size() <= 128 && s.find_first_of("/+#") == std::string::npos;
}

// The event name for a platform topic (docs/rules-sources.md):
// /as/mqtt/status/{pk}/{dn}, /{pk}/{dn}/thing/event/{id}/post,
// /{pk}/{dn}/thing/downlink/reply/message, /{pk}/{dn}/thing/validation/failed.
std::string_view event_name(std::string_view topic) {
    if (topic.starts_with("/as/mqtt/status/")) return "status";
    if (topic.ends_with("/thing/event/property/post")) return "properties";
    if (topic.ends_with("/post")) return "event";
    if (topic.ends_with("/thing/downlink/reply/message")) return "reply";
    if (topic.ends_with("/thing/validation/failed")) return "validation";
    return "message";
}

// Which events a stream carries (?types=status,properties,...; all when absent).
struct EventTypes {
    bool status = true, properties = true, events = true, replies = true, validation = true;
};

Expected<EventTypes, ApiError> parse_types(std::string_view list) {
    if (list.empty()) return EventTypes{};
    EventTypes t{false, false, false, false, false};
    while (!list.empty()) {
        auto comma = list.find(',');
        std::string_view name = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (name == "status")
            t.status = true;
        else if (name == "properties")
            t.properties = true;
        else if (name == "event")
            t.events = true;
        else if (name == "reply")
            t.replies = true;
        else if (name == "validation")
            t.validation = true;
        else
            return unexpected(
                invalid_argument("types", "unknown event type '" + std::string(name) +
                                              "' (status, properties, event, reply, validation)"));
    }
    return t;
}

Response open_stream(const Request& req, DeviceFeed& feed,
                     const std::shared_ptr<std::atomic<int>>& open) {
    if (auto ok = check_query(req, {"productKey", "deviceName", "types"}); !ok)
        return error_response(ok.error());
    auto types = parse_types(req.query_param("types").value_or(""));
    if (!types) return error_response(types.error());
    std::string pk = req.query_param("productKey").value_or("");
    std::string dn = req.query_param("deviceName").value_or("");
    if (!pk.empty() && !plain_level(pk))
        return error_response(invalid_argument("productKey", "not a product key"));
    if (!dn.empty() && !plain_level(dn))
        return error_response(invalid_argument("deviceName", "not a device name"));
    if (!dn.empty() && pk.empty())
        return error_response(invalid_argument("productKey", "required with deviceName"));
    if (open->fetch_add(1) >= kMaxStreams) {
        open->fetch_sub(1);
        return error_response(ApiError{
            503, "TooManyStreams",
            "too many open event streams (" + std::to_string(kMaxStreams) + "); close some"});
    }
    const std::string p = pk.empty() ? "+" : pk;
    const std::string d = dn.empty() ? "+" : dn;
    const std::string device = "/" + p + "/" + d;
    std::vector<std::string> filters;
    if (types->status) filters.push_back("/as/mqtt/status/" + p + "/" + d);
    if (types->properties && types->events)
        filters.push_back(device + "/thing/event/+/post");
    else if (types->properties)
        filters.push_back(device + "/thing/event/property/post");
    else if (types->events)
        filters.push_back(device + "/thing/event/+/post");  // minus property posts, below
    if (types->replies) filters.push_back(device + "/thing/downlink/reply/message");
    if (types->validation) filters.push_back(device + "/thing/validation/failed");
    const bool skip_properties = !types->properties;
    auto stream = std::make_shared<EventStream>();
    std::weak_ptr<EventStream> weak = stream;
    // The slot is given back if subscribing throws (the dispatcher answers 500).
    struct SlotGuard {
        std::atomic<int>* open;
        ~SlotGuard() {
            if (open) open->fetch_sub(1);
        }
    } guard{open.get()};
    std::shared_ptr<DeviceFeed::Subscription> sub = feed.subscribe(
        filters, [weak, skip_properties](std::string_view topic, std::string_view payload) {
            auto name = event_name(topic);
            if (skip_properties && name == "properties") return;
            if (auto s = weak.lock()) s->push(name, payload);
        });
    // The subscription ends with the stream (the client left or the server
    // stops); the hook holds it until then.
    guard.open = nullptr;  // from here the stream's cancel gives it back
    stream->on_cancel([sub, open]() mutable {
        sub.reset();
        open->fetch_sub(1);
    });
    Response r;
    r.stream = std::move(stream);
    return r;
}

}  // namespace

void add_live_routes(Router& router, DeviceFeed& feed, OverviewSource& overview) {
    auto open = std::make_shared<std::atomic<int>>(0);
    router.add(http::verb::get, api_path("/stream"),
               [&feed, open](const Request& req) { return open_stream(req, feed, open); });
    router.add(http::verb::get, api_path("/overview"), [&overview](const Request& req) {
        if (auto ok = check_query(req, {}); !ok) return error_response(ok.error());
        return Response::json(200, overview.overview());
    });
}

}  // namespace ts::api
