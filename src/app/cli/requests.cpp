#include "app/cli/requests.hpp"

#include "app/cli/api_call.hpp"

namespace ts::app::cli {

namespace {
using nlohmann::json;

std::optional<std::string> size_text(const std::optional<std::size_t>& n) {
    if (!n) return std::nullopt;
    return std::to_string(*n);
}

std::string trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}
}  // namespace

std::string query_string(const std::vector<std::pair<std::string, std::optional<std::string>>>& q) {
    std::string out;
    for (const auto& [key, value] : q) {
        if (!value) continue;
        out += out.empty() ? '?' : '&';
        out += url_encode(key) + "=" + url_encode(*value);
    }
    return out;
}

std::optional<std::vector<std::string>> split_names(std::string_view list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto comma = list.find(',', start);
        auto name =
            trim(list.substr(start, comma == std::string_view::npos ? list.npos : comma - start));
        if (name.empty()) return std::nullopt;
        out.push_back(std::move(name));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

ApiRequest product_create(const ProductCreate& p) {
    // Only what the user gave is sent: the server owns the defaults.
    json body = {{"name", p.name}};
    if (p.node_type) body["nodeType"] = *p.node_type;
    if (p.data_format) body["dataFormat"] = *p.data_format;
    if (p.auth_type) body["authType"] = *p.auth_type;
    if (p.description) body["description"] = *p.description;
    if (p.validation_mode) body["validationMode"] = *p.validation_mode;
    return {Method::Post, "/api/v1/products", std::move(body)};
}

ApiRequest product_list(const Paging& paging) {
    return {Method::Get,
            "/api/v1/products" + query_string({{"pageSize", size_text(paging.page_size)},
                                               {"pageToken", paging.page_token}}),
            std::nullopt};
}

ApiRequest product_get(const std::string& pk) {
    return {Method::Get, product_path(pk), {}};
}

ApiRequest product_update(const std::string& pk, const ProductPatch& patch) {
    json body = json::object();
    if (patch.name) body["name"] = *patch.name;
    if (patch.description) body["description"] = *patch.description;
    if (patch.validation_mode) body["validationMode"] = *patch.validation_mode;
    return {Method::Patch, product_path(pk), std::move(body)};
}

ApiRequest product_delete(const std::string& pk) {
    return {Method::Delete, product_path(pk), {}};
}

ApiRequest device_register(const std::string& pk, const std::optional<std::string>& dn) {
    json body = json::object();
    if (dn) body["deviceName"] = *dn;
    return {Method::Post, product_path(pk) + "/devices", std::move(body)};
}

ApiRequest device_batch_count(const std::string& pk, std::size_t count) {
    return {Method::Post, product_path(pk) + "/devices:batch", json{{"count", count}}};
}

ApiRequest device_batch_names(const std::string& pk, const std::vector<std::string>& names) {
    return {Method::Post, product_path(pk) + "/devices:batch", json{{"deviceNames", names}}};
}

ApiRequest device_list(const std::string& pk, const DeviceFilter& f) {
    return {Method::Get,
            product_path(pk) + "/devices" +
                query_string({{"status", f.status},
                              {"name", f.name_prefix},
                              {"tag", f.tag},
                              {"pageSize", size_text(f.paging.page_size)},
                              {"pageToken", f.paging.page_token}}),
            std::nullopt};
}

ApiRequest device_get(const std::string& pk, const std::string& dn) {
    return {Method::Get, device_path(pk, dn), {}};
}

ApiRequest device_delete(const std::string& pk, const std::string& dn) {
    return {Method::Delete, device_path(pk, dn), {}};
}

ApiRequest device_action(const std::string& pk, const std::string& dn, std::string_view verb) {
    // The API reads a JSON object body (and rejects unknown fields), so an
    // empty object rather than no body.
    return {Method::Post, device_path(pk, dn) + ":" + std::string(verb), json::object()};
}

ApiRequest topic_class_list(const std::string& pk) {
    return {Method::Get, product_path(pk) + "/topic-classes", {}};
}

ApiRequest topic_class_add(const std::string& pk, const std::string& topic,
                           const std::string& permission,
                           const std::optional<std::string>& description) {
    json body = {{"topic", topic}, {"permission", permission}};
    if (description) body["description"] = *description;
    return {Method::Post, product_path(pk) + "/topic-classes", std::move(body)};
}

ApiRequest topic_class_delete(const std::string& pk, const std::string& topic) {
    // The topic holds '/' and "${deviceName}", so it travels in the query.
    return {
        Method::Delete, product_path(pk) + "/topic-classes" + query_string({{"topic", topic}}), {}};
}

}  // namespace ts::app::cli
