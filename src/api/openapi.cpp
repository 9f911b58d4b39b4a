// GET /api/v1/openapi.json: the OpenAPI 3.0 description of the management
// API, built once with nlohmann so that it is valid JSON by construction. A
// unit test checks that every registered route appears here and nothing
// else does; the schemas follow json_views.cpp, thing_views.cpp and the handlers.
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

// Any JSON value (OpenAPI 3.0 has no "any" type: an empty schema).
json any_value(const std::string& description = "") {
    json j = json::object();
    if (!description.empty()) j["description"] = description;
    return j;
}
json free_object(const std::string& description = "") {
    json j = {{"type", "object"}};
    if (!description.empty()) j["description"] = description;
    return j;
}
json tsl_list(const std::string& description) {
    return {{"type", "array"}, {"items", {{"type", "object"}}}, {"description", description}};
}

// The thing model and device data (thing_routes.cpp, thing_views.cpp).
void thing_schemas(json& s) {
    s["ThingModel"] = {
        {"type", "object"},
        {"description",
         "a TSL document in Alibaba's format (docs/thing-model.md). GET returns the export "
         "form with the built-in event post and services set/get; that document can be PUT "
         "back unchanged"},
        {"properties",
         {{"schema", str("ignored on PUT")},
          {"profile", {{"type", "object"}, {"properties", {{"productKey", str()}}}}},
          {"functionBlockId", str("a custom module: 1..30 letters, digits or underscores")},
          {"properties", tsl_list("{identifier, name, accessMode r|rw, required, dataType}")},
          {"events", tsl_list("{identifier, name, type info|alert|error, outputData}")},
          {"services",
           tsl_list("{identifier, name, callType async|sync, inputData, outputData}")}}}};
    s["LatestProperty"] = object({{"identifier", str()},
                                  {"value", any_value("the value as the device posted it")},
                                  {"time", time_ms()},
                                  {"name", str("from the thing model, when the property is in it")},
                                  {"unit", str("from the thing model, when it has one")}},
                                 {"identifier", "value", "time"});
    s["LatestProperties"] = list_of("LatestProperty", false);
    s["PropertyValue"] = object({{"identifier", str()},
                                 {"value", any_value("the value as the device posted it")},
                                 {"time", time_ms("the device's time when given, else the "
                                                  "platform's (ms since the Unix epoch)")}},
                                {"identifier", "value", "time"});
    s["PropertyHistory"] = list_of("PropertyValue", true);
    s["AggregateBucket"] = object({{"start", time_ms("the bucket's first ms")},
                                   {"min", {{"type", "number"}}},
                                   {"max", {{"type", "number"}}},
                                   {"avg", {{"type", "number"}}},
                                   {"count", {{"type", "integer"}, {"format", "int64"}}}},
                                  {"start", "min", "max", "avg", "count"});
    s["PropertyAggregate"] =
        object({{"items",
                 {{"type", "array"},
                  {"items", ref("AggregateBucket")},
                  {"description", "numeric values only, oldest first, empty buckets omitted"}}},
                {"interval", {{"type", "integer"}, {"format", "int64"}, {"description", "ms"}}}},
               {"items", "interval"});
    s["PropertySet"] = object(
        {{"params", free_object("property identifier -> value; each must be in the thing model, "
                                "writable and valid")}},
        {"params"});
    s["ServiceCall"] =
        object({{"params", free_object("the service's input parameters; default {}")},
                {"timeoutMs",
                 {{"type", "integer"},
                  {"minimum", 1},
                  {"maximum", 8000},
                  {"default", 5000},
                  {"description", "sync services: how long to wait for the device's answer"}}}});
    s["CallResult"] = object(
        {{"messageId", str("the Alink message id sent to the device; see .../calls")},
         {"code", {{"type", "integer"}, {"description", "sync services: the device's code"}}},
         {"data", any_value("sync services: the device's data")},
         {"message", str("sync services: the device's message")}},
        {"messageId"});
    s["CallResult"]["description"] =
        "property set and async services: sent, messageId only; sync services: the answer";
    s["Event"] = object({{"identifier", str("event identifier; up_raw for raw data")},
                         {"type", enum_of({"info", "alert", "error"})},
                         {"value", any_value("the event's output parameters")},
                         {"time", time_ms()}},
                        {"identifier", "type", "value", "time"});
    s["EventList"] = list_of("Event", true);
    s["Call"] =
        object({{"messageId", str()},
                {"identifier", str("service identifier; set for property set, config.push")},
                {"params", any_value("what was sent")},
                {"requestTime", time_ms()},
                {"status", enum_of({"sent", "replied", "timeout", "offline"})},
                {"replyCode", {{"type", "integer"}, {"description", "present once replied"}}},
                {"replyData", any_value("present once replied")},
                {"replyMessage", str("present once replied")},
                {"replyTime", time_ms("present once replied")}},
               {"messageId", "identifier", "params", "requestTime", "status"});
    s["CallList"] = list_of("Call", true);
    json reported_desired =
        object({{"reported", free_object()}, {"desired", free_object()}}, {"reported", "desired"});
    s["Shadow"] = object(
        {{"state", reported_desired},
         {"metadata", object({{"reported", free_object("key -> {\"timestamp\": seconds}")},
                              {"desired", free_object("key -> {\"timestamp\": seconds}")}},
                             {"reported", "desired"})},
         {"version", {{"type", "integer"}, {"format", "int64"}}},
         {"delivered",
          {{"type", "boolean"},
           {"description", "PUT only: whether the control message reached a connected device"}}}},
        {"state", "metadata", "version"});
    s["ShadowPut"] =
        object({{"state", object({{"desired",
                                   {{"type", "object"},
                                    {"nullable", true},
                                    {"description",
                                     "key -> value; a value null or \"null\" deletes the key, "
                                     "desired null clears all"}}}},
                                 {"desired"})},
                {"version",
                 {{"type", "integer"},
                  {"format", "int64"},
                  {"minimum", 0},
                  {"description", "when given, must be the shadow's version + 1"}}}},
               {"state"});
    s["DesiredValue"] = object({{"value", any_value()},
                                {"version", {{"type", "integer"}, {"format", "int64"}}},
                                {"time", time_ms()}},
                               {"value", "version", "time"});
    s["DesiredProperties"] =
        object({{"items", {{"type", "object"}, {"additionalProperties", ref("DesiredValue")}}}},
               {"items"});
    s["DesiredPut"] =
        object({{"params", free_object("property identifier -> desired value (checked against the "
                                       "thing model)")}},
               {"params"});
    s["ConfigPut"] = object({{"content", str("the file's content")}}, {"content"});
    s["ConfigInfo"] =
        object({{"configId", str("32 random characters; a new file gets a new id")},
                {"configSize", {{"type", "integer"}, {"description", "bytes"}}},
                {"sign", str("SHA-256 of the content, hex")},
                {"signMethod", enum_of({"Sha256"})},
                {"url", str("the download URL devices are given (no authentication)")},
                {"updatedTime", time_ms()}},
               {"configId", "configSize", "sign", "signMethod", "url", "updatedTime"});
    s["ConfigPush"] = object(
        {{"devicesReached", {{"type", "integer"}, {"description", "connected devices sent to"}}}},
        {"devicesReached"});
}

// Rules and their dry run (rules_routes.cpp, rules/rule_definition.cpp).
void rule_schemas(json& s) {
    const json action = {{"type", "object"},
                         {"description",
                          "an action object: {\"type\": \"republish\"|\"webhook\"|\"database\"|"
                          "\"nats\", and that type's fields (docs/rules.md)}"},
                         {"required", json::array({"type"})},
                         {"properties", {{"type", str()}}}};
    s["RuleAction"] = action;
    const json actions = {{"type", "array"}, {"maxItems", 16}, {"items", ref("RuleAction")}};
    const json sql = str("SELECT <expr> [AS name], ... | * FROM \"<topic filter>\" [WHERE <cond>]");
    s["Rule"] = object(
        {{"id", {{"type", "integer"}, {"format", "int64"}}},
         {"name", str()},
         {"description", str()},
         {"sql", sql},
         {"source", str("the topic filter after FROM (\"\" if the stored SQL no longer compiles)")},
         {"actions", actions},
         {"errorAction",
          {{"allOf", json::array({ref("RuleAction")})},
           {"nullable", true},
           {"description", "gets the rows an action could not deliver"}}},
         {"enabled", {{"type", "boolean"}}},
         {"createdTime", time_ms()},
         {"updatedTime", time_ms()},
         {"stats",
          {{"type", "object"},
           {"nullable", true},
           {"description",
            "{matched, passed, failed, actions: [...], errorAction}; null when the rule is "
            "not running (disabled, or refused when the platform started)"}}}},
        {"id", "name", "description", "sql", "source", "actions", "errorAction", "enabled",
         "createdTime", "updatedTime", "stats"});
    const json error_action = {{"allOf", json::array({ref("RuleAction")})},
                               {"nullable", true},
                               {"description", "null: none"}};
    s["RuleCreate"] = object({{"name", str("1..128 characters, unique")},
                              {"description", str("up to 1024 characters")},
                              {"sql", sql},
                              {"actions", actions},
                              {"errorAction", error_action},
                              {"enabled", {{"type", "boolean"}, {"default", true}}}},
                             {"name", "sql"});
    s["RulePatch"] = object({{"name", str()},
                             {"description", str()},
                             {"sql", sql},
                             {"actions", actions},
                             {"errorAction", error_action},
                             {"enabled", {{"type", "boolean"}}}});
    s["RuleList"] = list_of("Rule", true);
    s["RuleTest"] =
        object({{"sql", sql},
                {"topic", str("the message's topic; default the FROM filter, required when it has "
                              "wildcards")},
                {"payload", any_value("a JSON value, or a string holding the raw payload")},
                {"deviceName", str()},
                {"productKey", str()},
                {"clientIp", str()},
                {"actions", actions}},
               {"sql", "payload"});
    s["RuleTestResult"] = object(
        {{"matched", {{"type", "boolean"}, {"description", "the topic matches the FROM filter"}}},
         {"rows", {{"type", "array"}, {"items", free_object()}, {"maxItems", 1}}},
         {"actions",
          {{"type", "array"},
           {"items", object({{"type", str()},
                             {"fires", {{"type", "boolean"}}},
                             {"topic", str()},
                             {"url", str()},
                             {"subject", str()},
                             {"table", str()},
                             {"error", str("the destination could not be rendered")}},
                            {"type", "fires"})}}},
         {"error", str("the SQL failed on this message (no rows)")}},
        {"matched", "rows", "actions"});
    s["RuleError"] = object({{"code", str()},
                             {"message", str()},
                             {"line", {{"type", "integer"}}},
                             {"column", {{"type", "integer"}}}},
                            {"code", "message"});
}

// Live views for the console (live_routes.cpp).
void live_schemas(json& s) {
    const json count = {{"type", "integer"}};
    s["Overview"] = object(
        {{"time", time_ms("when the figures were read")},
         {"products", count},
         {"devices", object({{"total", count},
                             {"online", count},
                             {"offline", count},
                             {"inactive", count},
                             {"disabled", count}})},
         {"connections", count},
         {"messages",
          object(
              {{"received",
                {{"type", "integer"}, {"description", "PUBLISH packets in, since start"}}},
               {"sent", {{"type", "integer"}, {"description", "PUBLISH packets out, since start"}}},
               {"dropped", count}})},
         {"thing", object({{"propertyValuesStored", count},
                           {"eventsStored", count},
                           {"validationFailures", count}})},
         {"rules",
          object({{"total", count},
                  {"enabled", count},
                  {"running", count},
                  {"matched", count},
                  {"failed", count},
                  {"lost", count},
                  {"actionsFailed", count},
                  {"actionsDropped", count},
                  {"withFailures", {{"type", "array"}, {"items", {{"type", "object"}}}}}})}});
}

json schemas() {
    json s;
    s["Error"] =
        object({{"code", str("stable error code, see docs/api-errors.md")}, {"message", str()}},
               {"code", "message"});
    s["Empty"] = object(json::object());
    s["Health"] =
        object({{"status", enum_of({"ok", "degraded"}, "degraded: a storage writer is failing")},
                {"storage",
                 object({{"status", enum_of({"ok", "failing"})},
                         {"writers",
                          {{"type", "object"},
                           {"description",
                            "each background store writer (brokerState, thingData, deviceStatus): "
                            "failing when the last commit it attempted failed"},
                           {"additionalProperties", enum_of({"ok", "failing"})}}}},
                        {"status", "writers"})}},
               {"status", "storage"});
    s["Ready"] = object({{"status", enum_of({"ready"})}}, {"status"});
    s["NotReady"] =
        object({{"code", enum_of({"NotReady"})},
                {"message", str()},
                {"status", enum_of({"not-ready"})},
                {"failing",
                 {{"type", "array"},
                  {"items", str()},
                  {"description",
                   "what keeps the platform from being ready: storage.<writer> (its last write "
                   "failed) and shutdown"}}}},
               {"code", "message", "status", "failing"});
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
    s["Device"] = object(
        {{"productKey", str()},
         {"deviceName", str("4..32 characters of [A-Za-z0-9_.@:-]")},
         {"deviceSecret", str("32 characters; omitted in lists")},
         {"status", enum_of({"inactive", "online", "offline", "disabled"})},
         {"enabled", {{"type", "boolean"}}},
         {"createdTime", time_ms()},
         {"firstOnlineTime", time_ms("ms since the Unix epoch; 0: never connected")},
         {"lastOnlineTime", time_ms("ms since the Unix epoch; 0: never connected")},
         {"ipAddress", str("address of the last connection; empty when never connected")},
         {"firmwareVersion", str("the default module's version as the device last reported it (OTA "
                                 "inform); empty when never reported")},
         {"firmwareVersions",
          {{"type", "object"},
           {"additionalProperties", {{"type", "string"}}},
           {"description", "module -> version, as the device last reported them"}}},
         {"tags", ref("Tags")}},
        {"productKey", "deviceName", "status", "enabled", "createdTime", "firstOnlineTime",
         "lastOnlineTime", "ipAddress", "firmwareVersion", "firmwareVersions", "tags"});
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
    thing_schemas(s);
    rule_schemas(s);
    live_schemas(s);
    return s;
}

// from/to/pageSize/pageToken of the thing data's history routes.
json history_params() {
    return json::array(
        {query_param("from", time_ms("first ms (inclusive); default 0"), "start of the range"),
         query_param("to", time_ms("last ms (inclusive); default: no limit"), "end of the range"),
         query_param("pageSize",
                     {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 100}},
                     "items per page (newest first)"),
         query_param("pageToken", str(), "nextPageToken of the previous page")});
}

json join(json head, const json& tail) {
    for (const auto& t : tail) head.push_back(t);
    return head;
}

// The thing model and device data (thing_routes.cpp).
void thing_paths(json& p) {
    const json product_404 = error_reply("ProductNotFound");
    const json device_404 = error_reply("ProductNotFound or DeviceNotFound");
    const json offline = error_reply("DeviceOffline: the device is not connected");
    const json property_id = path_param("identifier", "a property identifier");
    const std::string dev = "/products/{pk}/devices/{dn}";

    p["/products/{pk}/thing-model"]["put"] =
        op("setThingModel", "Replace a product's thing model (TSL)",
           {{"200", reply("the model as GET returns it", ref("ThingModel"))}, {"404", product_404}},
           {kPk}, body(ref("ThingModel")));
    p["/products/{pk}/thing-model"]["put"]["responses"]["400"] = error_reply(
        "InvalidThingModel: the message starts with the path of the first problem, e.g. "
        "\"properties[3].dataType.specs.max: must not be less than min\" (also for a body that "
        "is not JSON); the current model stays in place");
    p["/products/{pk}/thing-model"]["get"] =
        op("getThingModel", "Read a product's thing model in Alibaba's export form",
           {{"200", reply("the model (empty lists when none was set)", ref("ThingModel"))},
            {"404", product_404}},
           {kPk});

    p[dev + "/properties"]["get"] =
        op("getLatestProperties", "A device's latest property values",
           {{"200", reply("one item per property", ref("LatestProperties"))}, {"404", device_404}},
           {kPk, kDn});
    p[dev + "/properties"]["post"] =
        op("setProperties", "Set property values on a device (thing.service.property.set)",
           {{"200", reply("sent; the device's reply is recorded in .../calls", ref("CallResult"))},
            {"404", device_404},
            {"409", offline}},
           {kPk, kDn}, body(ref("PropertySet")));
    p[dev + "/properties/{identifier}/history"]["get"] =
        op("getPropertyHistory", "A property's stored values, newest first",
           {{"200", reply("a page of values", ref("PropertyHistory"))}, {"404", device_404}},
           join({kPk, kDn, property_id}, history_params()));
    json aggregate = json::array(
        {kPk, kDn, property_id,
         query_param("from", time_ms("first ms (inclusive); default 0"), "start of the range"),
         query_param("to", time_ms("last ms (inclusive); default: no limit"), "end of the range"),
         query_param("interval",
                     {{"type", "integer"},
                      {"format", "int64"},
                      {"minimum", 1000},
                      {"maximum", 31622400000LL},
                      {"default", 60000}},
                     "bucket width in ms; buckets are aligned to multiples of it")});
    p[dev + "/properties/{identifier}/aggregate"]["get"] = op(
        "aggregateProperty", "min, max, average and count of a numeric property per interval",
        {{"200", reply("the buckets", ref("PropertyAggregate"))}, {"404", device_404}}, aggregate);

    p[dev + "/services/{identifier}"]["post"] =
        op("invokeService",
           "Call a service: async ones are sent, sync ones (RRPC) wait for the device's answer",
           {{"200", reply("sent (async) or answered (sync)", ref("CallResult"))},
            {"404", error_reply("ProductNotFound, DeviceNotFound or ServiceNotFound")},
            {"409", offline},
            {"504", error_reply("DeviceTimeout: a sync service got no answer within timeoutMs")}},
           {kPk, kDn, path_param("identifier", "a service identifier")},
           body(ref("ServiceCall"), false));

    json event_params = history_params();
    event_params.push_back(query_param("identifier", str(), "only this event; default all"));
    p[dev + "/events"]["get"] =
        op("listEvents", "A device's events, newest first",
           {{"200", reply("a page of events", ref("EventList"))}, {"404", device_404}},
           join({kPk, kDn}, event_params));
    p[dev + "/calls"]["get"] =
        op("listCalls", "Property sets and service calls sent to a device, with their answers",
           {{"200", reply("a page of calls, newest first", ref("CallList"))}, {"404", device_404}},
           join({kPk, kDn}, history_params()));

    p[dev + "/shadow"]["get"] =
        op("getShadow", "A device's shadow",
           {{"200", reply("the shadow", ref("Shadow"))}, {"404", device_404}}, {kPk, kDn});
    p[dev + "/shadow"]["put"] = op(
        "setShadowDesired", "Set desired values in a device's shadow and send the control message",
        {{"200", reply("the shadow", ref("Shadow"))},
         {"404", device_404},
         {"409", error_reply("VersionConflict")}},
        {kPk, kDn}, body(ref("ShadowPut")));
    p[dev + "/desired-properties"]["get"] =
        op("getDesiredProperties", "A device's desired property values",
           {{"200", reply("the desired values", ref("DesiredProperties"))}, {"404", device_404}},
           {kPk, kDn});
    p[dev + "/desired-properties"]["put"] =
        op("setDesiredProperties", "Set desired property values (each versioned)",
           {{"200", reply("the values set", ref("DesiredProperties"))}, {"404", device_404}},
           {kPk, kDn}, body(ref("DesiredPut")));

    const json config_404 = error_reply("ProductNotFound or ConfigNotFound");
    p["/products/{pk}/config"]["put"] =
        op("setConfig", "Replace a product's remote config file (it gets a new configId)",
           {{"200", reply("the file's description", ref("ConfigInfo"))}, {"404", product_404}},
           {kPk}, body(ref("ConfigPut")));
    p["/products/{pk}/config"]["get"] = op(
        "getConfig", "Describe a product's remote config file",
        {{"200", reply("the file's description", ref("ConfigInfo"))}, {"404", config_404}}, {kPk});
    p["/products/{pk}/config:push"]["post"] = op(
        "pushConfig", "Send thing.config.push to every connected device of the product",
        {{"200", reply("how many devices it was sent to", ref("ConfigPush"))}, {"404", config_404}},
        {kPk}, body(ref("Empty"), false));
    p["/config-files/{pk}/{configId}"]["get"] = {
        {"operationId", "downloadConfig"},
        {"summary", "Download a remote config file (no authentication: the id is the credential)"},
        {"security", json::array()},
        {"parameters",
         {kPk, path_param("configId", "the product's current configId (ConfigInfo.configId)")}},
        {"responses",
         {{"200",
           {{"description", "the file"},
            {"content",
             {{"application/octet-stream",
               {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}}},
          {"404", error_reply("ConfigNotFound: not the product's current configId")},
          {"500", error_reply("InternalError")}}}};
}

// Rules (rules_routes.cpp).
void rule_paths(json& p) {
    const json id = path_param("id", "the rule's id");
    const json not_found = error_reply("RuleNotFound");
    const json invalid = {
        {"description",
         "InvalidArgument, InvalidRuleSql (with line and column), InvalidRuleAction, "
         "MalformedJson or UnknownField"},
        {"content", {{"application/json", {{"schema", ref("RuleError")}}}}}};
    p["/rules"]["post"] =
        op("createRule", "Create a rule (started when enabled)",
           {{"201", reply("the rule", ref("Rule"))}, {"409", error_reply("RuleNameTaken")}},
           json::array(), body(ref("RuleCreate")));
    p["/rules"]["post"]["responses"]["400"] = invalid;
    p["/rules"]["get"] = op("listRules", "List rules in id order",
                            {{"200", reply("a page of rules", ref("RuleList"))}}, paging());
    p["/rules/{id}"]["get"] =
        op("getRule", "Read a rule with its counters",
           {{"200", reply("the rule", ref("Rule"))}, {"404", not_found}}, {id});
    p["/rules/{id}"]["patch"] =
        op("updateRule", "Change any of a rule's members; the rule is checked again and restarted",
           {{"200", reply("the rule", ref("Rule"))},
            {"404", not_found},
            {"409", error_reply("RuleNameTaken")}},
           {id}, body(ref("RulePatch")));
    p["/rules/{id}"]["patch"]["responses"]["400"] = invalid;
    p["/rules/{id}"]["delete"] =
        op("deleteRule", "Stop and delete a rule",
           {{"200", reply("deleted", ref("Empty"))}, {"404", not_found}}, {id});
    p["/rules/{id}:enable"]["post"] =
        op("enableRule", "Start a rule (again, if it was refused when the platform started)",
           {{"200", reply("the rule", ref("Rule"))}, {"404", not_found}}, {id},
           body(ref("Empty"), false));
    p["/rules/{id}:enable"]["post"]["responses"]["400"] = invalid;
    p["/rules/{id}:disable"]["post"] =
        op("disableRule", "Stop a rule; it stays stored",
           {{"200", reply("the rule", ref("Rule"))}, {"404", not_found}}, {id},
           body(ref("Empty"), false));
    p["/rules:test"]["post"] =
        op("testRule",
           "Dry run: evaluate SQL (and render actions) against one message; nothing is sent",
           {{"200", reply("what the rule would do", ref("RuleTestResult"))}}, json::array(),
           body(ref("RuleTest")));
    p["/rules:test"]["post"]["responses"]["400"] = invalid;
}

// The console's live views (live_routes.cpp).
void live_paths(json& p) {
    p["/stream"]["get"] = op(
        "streamDeviceEvents",
        "Server-sent events (text/event-stream) of the platform's messages about devices: "
        "`status`, `properties`, `event`, `reply`, `validation` (payloads as in "
        "docs/rules-sources.md), `overflow` when the client fell behind and events were dropped; "
        "a comment line every 15 s while idle",
        {{"200",
          {{"description", "the event stream"},
           {"content", {{"text/event-stream", {{"schema", str()}}}}}}},
         {"503", error_reply("TooManyStreams")}},
        json::array({query_param("productKey", str(), "only this product's devices"),
                     query_param("deviceName", str(), "only this device (needs productKey)"),
                     query_param("types", str(),
                                 "comma-separated event types to send (default: all): status, "
                                 "properties, event, reply, validation")}));
    p["/overview"]["get"] =
        op("getOverview", "Figures for a dashboard: devices by status, traffic totals, rules",
           {{"200", reply("the figures", ref("Overview"))}});
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

    thing_paths(p);
    rule_paths(p);
    live_paths(p);

    const json health = {
        {"200", reply("the platform is up (also while degraded: the body says what fails)",
                      ref("Health"))}};
    p["/healthz"]["get"] = {{"operationId", "healthz"},
                            {"summary", "Liveness (no authentication); also served at /healthz"},
                            {"security", json::array()},
                            {"responses", health}};
    p["/readyz"]["get"] = {
        {"operationId", "readyz"},
        {"summary",
         "Readiness (no authentication): 503 while storage writes fail or the platform shuts "
         "down; also served at /readyz"},
        {"security", json::array()},
        {"responses",
         {{"200", reply("ready to serve", ref("Ready"))},
          {"503", reply("NotReady: the body names the failing parts", ref("NotReady"))}}}};
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
           "Products, devices, custom topic classes, messages, thing models and device data "
           "(properties, services, events, shadow, desired values, remote config) and rules. "
           "Errors are "
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
