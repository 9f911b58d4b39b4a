#pragma once
// The Alink JSON envelope (PROTOCOL.md 3.0): what a device's request carries
// and how the platform's replies and downlink requests are written.
//
// SDKs disagree on the envelope, so parsing is forgiving where they differ
// (missing `method`, `params` as a string, `id` as a number or a string with
// extra text) and strict only where nothing sensible can be done (not JSON).
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/expected.hpp"

namespace ts::thing {

// Alink payloads nest a few levels; anything deeper is refused before it is
// parsed, so neither parsing nor printing recurses without bound.
inline constexpr int kMaxJsonDepth = 32;

// The reply code to a request on a system topic the platform does not
// implement: Alibaba's 6203, "topic parse failed" (the platform cannot map
// the topic to an operation). The request's params are not at fault, so
// 460 (request parameter error) would send developers the wrong way.
inline constexpr int kMethodNotSupported = 6203;

struct AlinkRequest {
    nlohmann::json id;      // as sent (string or number); echoed in the reply
    nlohmann::json params;  // null when absent
    std::string method;     // informational: the operation comes from the topic
    std::string version = "1.0";
    bool ack = true;  // sys.ack = 0: the device wants no reply
    // The rest of the object (`id` and `params` moved out): replies to the
    // platform's requests carry `code`, `data` and `message` here.
    nlohmann::json body;
};

// Parses `payload` as JSON of at most kMaxJsonDepth levels; the error says
// why in words a device developer understands.
Expected<nlohmann::json, std::string> parse_json(std::string_view payload);

// nullopt-style error text when the payload is not a JSON object.
Expected<AlinkRequest, std::string> parse_alink_request(std::string_view payload);

// The reply's `id`: a string, as C SDKs require, holding the request's id
// unchanged (a number is written in decimal).
std::string reply_id(const nlohmann::json& id);

// {"id","code","data","message","version","method"}, compact.
std::string alink_reply(const nlohmann::json& id, int code, const nlohmann::json& data,
                        std::string_view message, std::string_view method);

// A downlink request: {"id","version","params","method"}; `id` is a decimal
// string (Link SDK 4 parses it as a uint64).
std::string alink_downlink(std::string_view id, std::string_view method,
                           const nlohmann::json& params);

// True when `s` is at most kMaxJsonDepth levels deep (strings are skipped,
// so brackets inside them do not count).
bool within_json_depth(std::string_view s, int max_depth = kMaxJsonDepth);

}  // namespace ts::thing
