#include "api/json_views.hpp"

namespace ts::api {

nlohmann::json to_json(const registry::Product& p, Secrets secrets) {
    nlohmann::json j = {
        {"productKey", p.product_key},
        {"name", p.name},
        {"nodeType", registry::to_string(p.node_type)},
        {"dataFormat", registry::to_string(p.data_format)},
        {"authType", registry::to_string(p.auth_type)},
        {"description", p.description},
        {"createdTime", p.created_time},
        {"validationMode", registry::to_string(p.validation_mode)},
    };
    if (secrets == Secrets::Include) j["productSecret"] = p.product_secret;
    return j;
}

nlohmann::json to_json(const registry::Device& d, Secrets secrets) {
    nlohmann::json j = {
        {"productKey", d.product_key},
        {"deviceName", d.device_name},
        {"status", registry::to_string(d.status())},
        {"enabled", d.enabled},
        {"createdTime", d.created_time},
        {"firstOnlineTime", d.first_online_time},
        {"lastOnlineTime", d.last_online_time},
        {"ipAddress", d.ip_address},
        {"firmwareVersion", d.firmware_version},
        {"firmwareVersions", d.firmware_versions},
        {"tags", d.tags},
    };
    // An empty map must still be an object, never null.
    if (d.tags.empty()) j["tags"] = nlohmann::json::object();
    if (d.firmware_versions.empty()) j["firmwareVersions"] = nlohmann::json::object();
    if (secrets == Secrets::Include) j["deviceSecret"] = d.device_secret;
    return j;
}

nlohmann::json to_json(const registry::TopicClass& t) {
    return {
        {"topic", t.topic},
        {"permission", registry::to_string(t.permission)},
        {"description", t.description},
        {"createdTime", t.created_time},
    };
}

}  // namespace ts::api
