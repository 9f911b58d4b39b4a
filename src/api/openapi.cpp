// GET /api/v1/openapi.json: the OpenAPI 3.0 description of the management
// API, built once with nlohmann so that it is valid JSON by construction. A
// unit test checks that every registered route appears here and nothing
// else does; the schemas follow json_views.cpp and the handlers.
#include <nlohmann/json.hpp>

#include "api/routes.hpp"

namespace ts::api {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

json ref(const std::string& schema) {
    return {{"$ref", "#/components/schemas/" + schema}};
}

json str(const std::string& description = "") {
    json j = {{"type", "string"}};
    if (!description.empty()) j["description"] = description;
    return j;
}
json enum_of(std::initializer_list<const char*> values, const std::string& description = "") {
    json j = str(description);
    j["enum"] = json::array();
    for (const char* v : values) j["enum"].push_back(v);
    return j;
}
json time_ms(const std::string& description = "milliseconds since the Unix epoch") {
    return {{"type", "integer"}, {"format", "int64"}, {"description", description}};
}
json object(json properties, std::initializer_list<const char*> required = {}) {
    json j = {
        {"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
    if (required.size() != 0) j["required"] = required;
    return j;
}
json list_of(const std::string& item, bool paged) {
    json props = {{"items", {{"type", "array"}, {"items", ref(item)}}}};
    if (paged)
        props["nextPageToken"] = str("pass as pageToken for the next page; empty on the last");
    return object(std::move(props), {"items"});
}

json path_param(const std::string& name, const std::string& description) {
    return {{"name", name},
            {"in", "path"},
            {"required", true},
            {"description", description},
            {"schema", {{"type", "string"}}}};
}
json query_param(const std::string& name, json schema, const std::string& description,
                 bool required = false) {
    return {{"name", name},
            {"in", "query"},
            {"required", required},
            {"description", description},
            {"schema", std::move(schema)}};
}
const json kPk = path_param("pk", "the product's productKey");
const json kDn = path_param("dn", "the device's deviceName");
json paging() {
    return json::array(
        {query_param("pageSize", {{"type", "integer"}, {"minimum", 1}, {"default", 50}},
                     "items per page; values above 1000 are served as 1000"),
         query_param("pageToken", str(), "nextPageToken of the previous page")});
}

json error_reply(const std::string& description) {
    return {{"description", description},
            {"content", {{"application/json", {{"schema", ref("Error")}}}}}};
}
json reply(const std::string& description, const json& schema) {
    return {{"description", description},
            {"content", {{"application/json", {{"schema", schema}}}}}};
}
json body(const json& schema, bool required = true) {
    return {{"required", required}, {"content", {{"application/json", {{"schema", schema}}}}}};
}

// An operation with the error replies every authenticated call can give.
json op(const std::string& id, const std::string& summary, json responses,
        json parameters = json::array(), json request_body = nullptr) {
    responses["400"] = error_reply("InvalidArgument, MalformedJson or UnknownField");
    responses["401"] = error_reply("Unauthenticated");
    responses["500"] = error_reply("InternalError");
    json j = {{"operationId", id}, {"summary", summary}, {"responses", std::move(responses)}};
    if (!parameters.empty()) j["parameters"] = std::move(parameters);
    if (!request_body.is_null()) {
        j["requestBody"] = std::move(request_body);
        j["responses"]["413"] = error_reply("PayloadTooLarge (bodies are limited to 1 MiB)");
        j["responses"]["415"] = error_reply("UnsupportedMediaType");
    }
    return j;
}

json schemas() {
    json s;
    s["Error"] =
        object({{"code", str("stable error code, see docs/api-errors.md")}, {"message", str()}},
               {"code", "message"});
    s["Empty"] = object(json::object());
    s["Health"] = object({{"status", enum_of({"ok"})}}, {"status"});
    const std::string validation_mode_doc =
        "how property posts are checked against the thing model: strict rejects a post with "
        "any invalid property, lenient stores the valid ones and lists the failures, off "
        "checks nothing";
    s["Product"] =
        object({{"productKey", str("11 characters, generated")},
                {"productSecret", str("16 characters, generated; omitted in lists")},
                {"name", str()},
                {"nodeType", enum_of({"device", "gateway"})},
                {"dataFormat", enum_of({"alink", "raw"})},
                {"authType", enum_of({"secret", "x509"})},
                {"description", str()},
                {"createdTime", time_ms()},
                {"validationMode", enum_of({"strict", "lenient", "off"}, validation_mode_doc)}},
               {"productKey", "name", "nodeType", "dataFormat", "authType", "description",
                "createdTime", "validationMode"});
    s["ProductCreate"] =
        object({{"name", str("1..64 characters")},
                {"nodeType", enum_of({"device", "gateway"}, "default device")},
                {"dataFormat", enum_of({"alink", "raw"}, "default alink")},
                {"authType", enum_of({"secret", "x509"}, "default secret")},
                {"description", str()},
                {"validationMode", enum_of({"strict", "lenient", "off"}, "default strict")}},
               {"name"});
    s["ProductPatch"] = object({{"name", str()},
                                {"description", str()},
                                {"validationMode", enum_of({"strict", "lenient", "off"})}});
    s["ProductList"] = list_of("Product", true);
    s["Device"] =
        object({{"productKey", str()},
                {"deviceName", str("4..32 characters of [A-Za-z0-9_.@:-]")},
                {"deviceSecret", str("32 characters; omitted in lists")},
                {"status", enum_of({"inactive", "online", "offline", "disabled"})},
                {"enabled", {{"type", "boolean"}}},
                {"createdTime", time_ms()},
                {"firstOnlineTime", time_ms("ms since the Unix epoch; 0: never connected")},
                {"lastOnlineTime", time_ms("ms since the Unix epoch; 0: never connected")},
                {"ipAddress", str("address of the last connection; empty when never connected")},
                {"firmwareVersion", str()},
                {"tags", ref("Tags")}},
               {"productKey", "deviceName", "status", "enabled", "createdTime", "firstOnlineTime",
                "lastOnlineTime", "ipAddress", "firmwareVersion", "tags"});
    s["Tags"] = {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
    s["DeviceCreate"] = object({{"deviceName", str("generated when absent")}});
    s["DeviceBatch"] = object(
        {{"deviceNames", {{"type", "array"}, {"items", {{"type", "string"}}}}},
         {"count", {{"type", "integer"}, {"minimum", 1}, {"description", "generate this many"}}}});
    s["DeviceBatch"]["description"] = "exactly one of deviceNames and count; all or nothing";
    s["DeviceItems"] = list_of("Device", false);
    s["DeviceList"] = list_of("Device", true);
    s["TagsPut"] = object({{"tags", ref("Tags")}}, {"tags"});
    s["TopicClass"] = object({{"topic", str("full template, e.g. /{pk}/${deviceName}/user/update")},
                              {"permission", enum_of({"pub", "sub", "all"})},
                              {"description", str()},
                              {"createdTime", time_ms()}},
                             {"topic", "permission", "description", "createdTime"});
    s["TopicClassCreate"] = object(
        {{"topic", str()}, {"permission", enum_of({"pub", "sub", "all"})}, {"description", str()}},
        {"topic", "permission"});
    s["TopicClassList"] = list_of("TopicClass", false);
    s["Message"] =
        object({{"topic", str("an MQTT topic name (no wildcards)")},
                {"payload", {{"type", "string"}, {"format", "byte"}, {"description", "base64"}}},
                {"qos", {{"type", "integer"}, {"enum", {0, 1}}, {"default", 0}}},
                {"retain", {{"type", "boolean"}, {"default", false}}}},
               {"topic", "payload"});
    return s;
}

json paths() {
    json p;
    const json product_404 = error_reply("ProductNotFound");
    const json device_404 = error_reply("ProductNotFound or DeviceNotFound");

    p["/products"]["post"] = op("createProduct", "Create a product",
                                {{"201", reply("the product", ref("Product"))},
                                 {"409", error_reply("ProductAlreadyExists")}},
                                json::array(), body(ref("ProductCreate")));
    p["/products"]["get"] =
        op("listProducts", "List products",
           {{"200", reply("a page of products", ref("ProductList"))}}, paging());
    p["/products/{pk}"]["get"] =
        op("getProduct", "Read a product",
           {{"200", reply("the product", ref("Product"))}, {"404", product_404}}, {kPk});
    p["/products/{pk}"]["patch"] =
        op("updateProduct", "Change a product's name, description or validation mode",
           {{"200", reply("the product", ref("Product"))}, {"404", product_404}}, {kPk},
           body(ref("ProductPatch")));
    p["/products/{pk}"]["delete"] = op("deleteProduct", "Delete a product without devices",
                                       {{"200", reply("deleted", ref("Empty"))},
                                        {"404", product_404},
                                        {"409", error_reply("ProductHasDevices")}},
                                       {kPk});

    p["/products/{pk}/devices"]["post"] =
        op("registerDevice", "Register a device",
           {{"201", reply("the device with its secret", ref("Device"))},
            {"404", product_404},
            {"409", error_reply("DeviceAlreadyExists")}},
           {kPk}, body(ref("DeviceCreate"), false));
    p["/products/{pk}/devices:batch"]["post"] =
        op("registerDevices", "Register many devices, all or nothing",
           {{"201", reply("the devices with their secrets", ref("DeviceItems"))},
            {"404", product_404},
            {"409", error_reply("DeviceAlreadyExists")}},
           {kPk}, body(ref("DeviceBatch")));
    json filters = paging();
    filters.push_back(query_param("status", enum_of({"inactive", "online", "offline", "disabled"}),
                                  "only devices in this state"));
    filters.push_back(query_param("tag", str(), "\"key\" (any value) or \"key:value\""));
    filters.push_back(query_param("name", str(), "deviceName prefix"));
    filters.insert(filters.begin(), kPk);
    p["/products/{pk}/devices"]["get"] =
        op("listDevices", "List a product's devices",
           {{"200", reply("a page of devices", ref("DeviceList"))}, {"404", product_404}}, filters);
    p["/products/{pk}/devices/{dn}"]["get"] =
        op("getDevice", "Read a device",
           {{"200", reply("the device", ref("Device"))}, {"404", device_404}}, {kPk, kDn});
    p["/products/{pk}/devices/{dn}"]["delete"] =
        op("deleteDevice", "Delete a device (it is disconnected)",
           {{"200", reply("deleted", ref("Empty"))}, {"404", device_404}}, {kPk, kDn});
    p["/products/{pk}/devices/{dn}:disable"]["post"] =
        op("disableDevice", "Disable a device: disconnect it now and refuse it later",
           {{"200", reply("the device", ref("Device"))}, {"404", device_404}}, {kPk, kDn},
           body(ref("Empty"), false));
    p["/products/{pk}/devices/{dn}:enable"]["post"] =
        op("enableDevice", "Enable a disabled device",
           {{"200", reply("the device", ref("Device"))}, {"404", device_404}}, {kPk, kDn},
           body(ref("Empty"), false));
    p["/products/{pk}/devices/{dn}:rotateSecret"]["post"] =
        op("rotateDeviceSecret", "Give a device a new secret (it is disconnected)",
           {{"200", reply("the device with its new secret", ref("Device"))}, {"404", device_404}},
           {kPk, kDn}, body(ref("Empty"), false));
    p["/products/{pk}/devices/{dn}/tags"]["put"] =
        op("setDeviceTags", "Replace a device's tags",
           {{"200", reply("the device", ref("Device"))}, {"404", device_404}}, {kPk, kDn},
           body(ref("TagsPut")));

    p["/products/{pk}/topic-classes"]["get"] = op(
        "listTopicClasses", "List a product's custom topic classes",
        {{"200", reply("the topic classes", ref("TopicClassList"))}, {"404", product_404}}, {kPk});
    p["/products/{pk}/topic-classes"]["post"] =
        op("addTopicClass", "Add a custom topic class",
           {{"201", reply("the topic class", ref("TopicClass"))},
            {"404", product_404},
            {"409", error_reply("TopicClassAlreadyExists")}},
           {kPk}, body(ref("TopicClassCreate")));
    p["/products/{pk}/topic-classes"]["delete"] =
        op("deleteTopicClass", "Delete a custom topic class",
           {{"200", reply("deleted", ref("Empty"))},
            {"404", error_reply("ProductNotFound or TopicClassNotFound")}},
           {kPk, query_param("topic", str(), "the class's topic, URL-encoded", true)});

    p["/messages"]["post"] = op("publishMessage", "Publish a message to a topic",
                                {{"202", reply("accepted by the broker", ref("Empty"))}},
                                json::array(), body(ref("Message")));

    const json health = {{"200", reply("the platform is up", ref("Health"))}};
    p["/healthz"]["get"] = {{"operationId", "healthz"},
                            {"summary", "Liveness (no authentication); also served at /healthz"},
                            {"security", json::array()},
                            {"responses", health}};
    p["/openapi.json"]["get"] = {
        {"operationId", "openapi"},
        {"summary", "This document (no authentication)"},
        {"security", json::array()},
        {"responses", {{"200", reply("OpenAPI 3.0", {{"type", "object"}})}}}};
    // Outside the base path, hence its own server list.
    p["/metrics"]["servers"] = json::array({{{"url", "/"}}});
    p["/metrics"]["get"] = {
        {"operationId", "metrics"},
        {"summary", "Prometheus metrics (no authentication)"},
        {"security", json::array()},
        {"responses",
         {{"200",
           {{"description", "Prometheus text exposition format 0.0.4"},
            {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}}}}}};
    return p;
}

json build() {
    json doc = {
        {"openapi", "3.0.3"},
        {"info",
         {{"title", "Thingstead management API"},
          {"version", "1"},
          {"description",
           "Products, devices, custom topic classes and messages. Errors are "
           "{\"code\", \"message\"} with the stable codes of docs/api-errors.md; unknown "
           "fields in a request body or query string are rejected with 400 UnknownField."}}},
        {"servers", json::array({{{"url", std::string(kApiBase)}}})},
        {"security", json::array({{{"bearer", json::array()}}})},
        {"paths", paths()},
        {"components",
         {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
          {"schemas", schemas()}}},
    };
    return doc;
}

}  // namespace

const std::string& openapi_document() {
    static const std::string doc = build().dump(2);
    return doc;
}

void add_openapi_route(Router& router) {
    router.add(
        http::verb::get, api_path("/openapi.json"),
        [](const Request&) {
            Response r;
            r.body = openapi_document();
            return r;
        },
        Access::Public);
}

}  // namespace ts::api
