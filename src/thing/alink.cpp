#include "thing/alink.hpp"

#include "core/json_depth.hpp"
#include "thing/json_text.hpp"

namespace ts::thing {

bool within_json_depth(std::string_view s, int max_depth) {
    return json_depth_within(s, max_depth);
}

Expected<nlohmann::json, std::string> parse_json(std::string_view payload) {
    if (!within_json_depth(payload))
        return unexpected("payload is nested more than " + std::to_string(kMaxJsonDepth) +
                          " levels deep");
    auto j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return unexpected(std::string("payload is not valid JSON (UTF-8)"));
    return j;
}

Expected<AlinkRequest, std::string> parse_alink_request(std::string_view payload) {
    auto j = parse_json(payload);
    if (!j) return unexpected(j.error());
    if (!j->is_object()) return unexpected(std::string("payload is not a JSON object"));
    AlinkRequest r;
    if (auto it = j->find("id"); it != j->end()) r.id = std::move(*it);
    if (auto it = j->find("method"); it != j->end() && it->is_string()) r.method = *it;
    if (auto it = j->find("version"); it != j->end() && it->is_string()) r.version = *it;
    if (auto it = j->find("sys"); it != j->end() && it->is_object()) {
        if (auto ack = it->find("ack"); ack != it->end() && ack->is_number())
            r.ack = ack->get<double>() != 0;
    }
    if (auto it = j->find("params"); it != j->end()) {
        // Link SDK 4 sends some params as a JSON string ("{}").
        if (it->is_string()) {
            auto inner = parse_json(it->get_ref<const std::string&>());
            r.params = inner ? std::move(*inner) : std::move(*it);
        } else {
            r.params = std::move(*it);
        }
    }
    r.body = std::move(*j);
    return r;
}

std::string reply_id(const nlohmann::json& id) {
    if (id.is_string()) return id.get<std::string>();
    if (id.is_number_unsigned()) return std::to_string(id.get<std::uint64_t>());
    if (id.is_number_integer()) return std::to_string(id.get<std::int64_t>());
    if (id.is_null()) return "";
    return id.dump();
}

std::string alink_reply(const nlohmann::json& id, int code, const nlohmann::json& data,
                        std::string_view message, std::string_view method) {
    // Written as text (one per device post; a DOM cost twice as much), keys
    // in the order a DOM dumps them.
    std::string out = "{\"code\":";
    out += std::to_string(code);
    out += ",\"data\":";
    if (data.is_null() || (data.is_object() && data.empty()))
        out += "{}";
    else
        out += data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += ",\"id\":";
    append_json_string(out, reply_id(id));
    out += ",\"message\":";
    append_json_string(out, message);
    if (!method.empty()) {
        out += ",\"method\":";
        append_json_string(out, method);
    }
    out += ",\"version\":\"1.0\"}";
    return out;
}

std::string alink_downlink(std::string_view id, std::string_view method,
                           const nlohmann::json& params) {
    nlohmann::json j = nlohmann::json::object();
    j["id"] = std::string(id);
    j["version"] = "1.0";
    j["params"] = params;
    j["method"] = std::string(method);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace ts::thing
