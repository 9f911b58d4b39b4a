#include "app/cli/thing_requests.hpp"

#include "app/cli/api_call.hpp"

namespace ts::app::cli {

namespace {
using nlohmann::json;

template <typename N>
std::optional<std::string> number_text(const std::optional<N>& n) {
    if (!n) return std::nullopt;
    return std::to_string(*n);
}

std::string range_query(const TimeRange& r,
                        std::vector<std::pair<std::string, std::optional<std::string>>> q = {}) {
    q.emplace_back("from", number_text(r.from));
    q.emplace_back("to", number_text(r.to));
    q.emplace_back("pageSize", number_text(r.paging.page_size));
    q.emplace_back("pageToken", r.paging.page_token);
    return query_string(q);
}
}  // namespace

Expected<json, std::string> parse_json_object(std::string_view text, bool null_ok) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        // "[json.exception.parse_error.101] parse error at line 1, ..." without
        // the library's tag, which means nothing to the user.
        std::string what = e.what();
        if (const auto tag_end = what.find("] "); what.starts_with("[") && tag_end != what.npos)
            what.erase(0, tag_end + 2);
        return unexpected("not valid JSON: " + what);
    }
    if (j.is_null() && null_ok) return j;
    if (!j.is_object())
        return unexpected(std::string("must be a JSON object ({...})") +
                          (null_ok ? " or null" : ""));
    return j;
}

ApiRequest thing_model_get(const std::string& pk) {
    return {Method::Get, product_path(pk) + "/thing-model", {}};
}

ApiRequest thing_model_set(const std::string& pk, json tsl) {
    return {Method::Put, product_path(pk) + "/thing-model", std::move(tsl)};
}

ApiRequest device_properties(const std::string& pk, const std::string& dn) {
    return {Method::Get, device_path(pk, dn) + "/properties", {}};
}

ApiRequest device_property_history(const std::string& pk, const std::string& dn,
                                   const std::string& identifier, const TimeRange& range) {
    return {Method::Get,
            device_path(pk, dn) + "/properties/" + url_encode(identifier) + "/history" +
                range_query(range),
            {}};
}

ApiRequest device_events(const std::string& pk, const std::string& dn,
                         const std::optional<std::string>& identifier, const TimeRange& range) {
    return {Method::Get,
            device_path(pk, dn) + "/events" + range_query(range, {{"identifier", identifier}}),
            {}};
}

ApiRequest device_set_properties(const std::string& pk, const std::string& dn, json params) {
    return {Method::Post, device_path(pk, dn) + "/properties", json{{"params", std::move(params)}}};
}

ApiRequest device_invoke_service(const std::string& pk, const std::string& dn,
                                 const std::string& service, const std::optional<json>& params,
                                 std::optional<int> timeout_ms) {
    // Only what the user gave: the server defaults params to {} and picks
    // the wait of a synchronous service itself.
    json body = json::object();
    if (params) body["params"] = *params;
    if (timeout_ms) body["timeoutMs"] = *timeout_ms;
    return {Method::Post, device_path(pk, dn) + "/services/" + url_encode(service),
            std::move(body)};
}

ApiRequest device_shadow_get(const std::string& pk, const std::string& dn) {
    return {Method::Get, device_path(pk, dn) + "/shadow", {}};
}

ApiRequest device_shadow_update(const std::string& pk, const std::string& dn, json desired,
                                std::optional<std::int64_t> version) {
    json body = {{"state", {{"desired", std::move(desired)}}}};
    if (version) body["version"] = *version;
    return {Method::Put, device_path(pk, dn) + "/shadow", std::move(body)};
}

}  // namespace ts::app::cli
