// POST /messages: publish a message through the broker, e.g. to a device's
// custom downlink topic. 202: the broker has taken it; delivery is the
// broker's business (QoS 1 to subscribers that asked for it).
#include "api/errors.hpp"
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "core/base64.hpp"
#include "core/log.hpp"

namespace ts::api {
namespace {

namespace http = boost::beast::http;

// A topic name as MQTT allows it for PUBLISH: 1..65535 bytes, no wildcards,
// no NUL (the JSON parser has already checked the UTF-8).
std::optional<std::string_view> topic_problem(const std::string& topic) {
    if (topic.empty()) return "must not be empty";
    if (topic.size() > 65535) return "must be at most 65535 bytes";
    if (topic.find_first_of("+#") != std::string::npos)
        return "must not contain the wildcards '+' or '#'";
    if (topic.find('\0') != std::string::npos) return "must not contain NUL";
    return std::nullopt;
}

Response publish(MessagePublisher& publisher, const Request& req) {
    auto body = json_object_body(req, {"topic", "payload", "qos", "retain"});
    if (!body) return error_response(body.error());
    FieldReader f(*body);
    auto topic = f.string("topic", Required::Yes);
    auto payload64 = f.string("payload", Required::Yes);
    auto qos = f.integer("qos", 0, 1);
    auto retain = f.boolean("retain");
    if (!f.ok()) return error_response(*f.error());
    if (auto problem = topic_problem(*topic))
        return error_response(invalid_argument("topic", *problem));
    auto payload = base64_decode(*payload64);
    if (!payload) return error_response(invalid_argument("payload", "must be base64 (RFC 4648)"));

    auto done = publisher.publish(*topic, std::move(*payload), static_cast<int>(qos.value_or(0)),
                                  retain.value_or(false));
    if (!done) {
        log::get("api")->warn("publish refused topic={} reason={}", *topic, done.error());
        return error_response(internal_error("the broker refused the message: " + done.error()));
    }
    return Response::json(202, nlohmann::json::object());
}

}  // namespace

void add_message_routes(Router& router, MessagePublisher& publisher) {
    router.add(http::verb::post, api_path("/messages"),
               [&publisher](const Request& r) { return publish(publisher, r); });
}

}  // namespace ts::api
