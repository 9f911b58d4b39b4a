#include "api/thing_views.hpp"

namespace ts::api {

ApiError from_thing(const thing::ThingError& e) {
    return ApiError{static_cast<unsigned>(thing::http_status(e.code)),
                    std::string(thing::to_api_code(e.code)), e.message};
}

nlohmann::json stored_json(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return text;
    return j;
}

nlohmann::json to_json(const store::PropertyValue& v) {
    return {
        {"identifier", v.identifier}, {"value", stored_json(v.value_json)}, {"time", v.time_ms}};
}

nlohmann::json to_json(const store::EventRecord& e) {
    return {{"identifier", e.identifier},
            {"type", e.type},
            {"value", stored_json(e.value_json)},
            {"time", e.time_ms}};
}

nlohmann::json to_json(const store::CallRecord& c) {
    nlohmann::json j = {{"messageId", c.id},
                        {"identifier", c.identifier},
                        {"params", stored_json(c.params_json)},
                        {"requestTime", c.request_time},
                        {"status", c.status}};
    if (c.reply_code) {
        j["replyCode"] = *c.reply_code;
        j["replyData"] =
            c.reply_data_json.empty() ? nlohmann::json::object() : stored_json(c.reply_data_json);
        j["replyMessage"] = c.reply_message;
        j["replyTime"] = c.reply_time;
    }
    return j;
}

nlohmann::json to_json(const store::AggregateBucket& b) {
    return {{"start", b.start}, {"min", b.min}, {"max", b.max}, {"avg", b.avg}, {"count", b.count}};
}

}  // namespace ts::api
