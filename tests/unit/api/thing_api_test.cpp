// The thing model and device data routes (thing_routes.cpp) through the
// dispatcher, without sockets: a real ThingService over the SQLite registry
// and the SQLite thing store in a temporary directory, and a recording
// DeviceLink standing in for the broker.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "../support/temp_dir.hpp"
#include "api/dispatch.hpp"
#include "api/routes.hpp"
#include "api_test_util.hpp"
#include "broker/authenticator.hpp"
#include "core/clock.hpp"
#include "core/shared_buffer.hpp"
#include "registry/registry.hpp"
#include "store/thing_data.hpp"
#include "thing/thing_service.hpp"
#include "thing_test_util.hpp"

namespace ts::api::test {
namespace {

// The ManualClock's wall time: device times below are relative to it.
constexpr std::int64_t kNow = 1'700'000'000'000;

constexpr const char* kModel = R"json({
  "properties": [
    {"identifier": "Temp", "name": "Temperature", "accessMode": "r",
     "dataType": {"type": "float", "specs": {"min": "-40", "max": "120", "unit": "C"}}},
    {"identifier": "Brightness", "name": "Brightness", "accessMode": "rw",
     "dataType": {"type": "int", "specs": {"min": "0", "max": "100"}}},
    {"identifier": "Power", "name": "Power", "accessMode": "rw",
     "dataType": {"type": "bool", "specs": {"0": "off", "1": "on"}}}
  ],
  "events": [
    {"identifier": "Overheat", "name": "Overheat", "type": "alert",
     "outputData": [{"identifier": "temp", "name": "temp",
                     "dataType": {"type": "float", "specs": {}}}]}
  ],
  "services": [
    {"identifier": "Reboot", "name": "Reboot", "callType": "async",
     "inputData": [{"identifier": "delay", "name": "delay",
                    "dataType": {"type": "int", "specs": {"min": "0", "max": "3600"}}}],
     "outputData": []},
    {"identifier": "Calibrate", "name": "Calibrate", "callType": "sync",
     "inputData": [], "outputData": []}
  ]
})json";

class ThingApi : public ::testing::Test {
protected:
    void SetUp() override {
        auto reg =
            registry::open_sqlite_registry(dir_.file("registry.db"), std::string(32, 'k'), clock_);
        ASSERT_TRUE(reg.has_value()) << reg.error().message;
        registry_ = std::move(*reg);
        auto data = store::open_sqlite_thing_data(dir_.file("thing.db"));
        ASSERT_TRUE(data.has_value()) << data.error().message;
        store_ = std::move(*data);
        thing::ThingOptions options;
        options.downloads.public_url = "http://iot.example.com:8080";
        thing_ = std::make_unique<thing::ThingService>(*registry_, *store_, link_, clock_, options);
        auto loaded = thing_->load();
        ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
        Router router;
        add_thing_routes(router, *thing_);
        dispatcher_ = std::make_unique<Dispatcher>(std::move(router), kToken);

        registry::ProductSpec spec;
        spec.name = "lamp";
        auto product = registry_->create_product(spec);
        ASSERT_TRUE(product.has_value()) << product.error().message;
        pk = product->product_key;
        auto device = registry_->register_device(pk, "lamp01");
        ASSERT_TRUE(device.has_value()) << device.error().message;
        dev = "/products/" + pk + "/devices/lamp01";
    }

    void TearDown() override {
        // Replies still waiting for their batch call into the thing layer.
        if (store_) store_->flush();
        dispatcher_.reset();
        thing_.reset();
        store_.reset();
        registry_.reset();
    }

    // `target` is the path under /api/v1 with its query string. `body`
    // nullopt: none. `token` nullopt: no Authorization header.
    Reply call(http::verb method, const std::string& target,
               std::optional<std::string> body = std::nullopt,
               std::optional<std::string> token = std::string(kToken),
               std::string content_type = "application/json") {
        Request req;
        req.method = method;
        std::string full = "/api/v1" + target;
        auto q = full.find('?');
        req.path = full.substr(0, q);
        std::string query = q == std::string::npos ? "" : full.substr(q + 1);
        if (token) req.headers.set(http::field::authorization, "Bearer " + *token);
        if (body) {
            if (!content_type.empty()) req.headers.set(http::field::content_type, content_type);
            req.body = *body;
        }
        Response res = dispatcher_->handle(req, query);
        Reply r;
        r.status = res.status;
        r.body = res.body;
        r.headers.set(http::field::content_type, res.content_type);
        return r;
    }
    Reply get(const std::string& target) { return call(http::verb::get, target); }
    Reply post(const std::string& target, const json& body) {
        return call(http::verb::post, target, body.dump());
    }
    Reply put(const std::string& target, const json& body) {
        return call(http::verb::put, target, body.dump());
    }

    void put_model() {
        auto r = call(http::verb::put, "/products/" + pk + "/thing-model", std::string(kModel));
        ASSERT_EQ(r.status, 200u) << r.body;
    }

    // A message from the device, as the broker's tap hands it over.
    void from_device(const std::string& topic, const json& payload,
                     const std::string& dn = "lamp01") {
        broker::ClientIdentity who{broker::ClientIdentity::Kind::Device, pk, dn, pk + "/" + dn};
        thing_->on_device_message(who, topic, SharedBuffer::copy_of(payload.dump()));
    }
    std::string sys(const std::string& suffix) const { return "/sys/" + pk + "/lamp01/" + suffix; }
    void post_property(const json& params, const std::string& id = "1") {
        from_device(sys("thing/event/property/post"), {{"id", id},
                                                       {"version", "1.0"},
                                                       {"params", params},
                                                       {"method", "thing.event.property.post"}});
    }

    ts::test::TempDir dir_;
    ManualClock clock_;
    RecordingLink link_;
    std::unique_ptr<registry::Registry> registry_;
    std::unique_ptr<store::ThingDataStore> store_;
    std::unique_ptr<thing::ThingService> thing_;
    std::unique_ptr<Dispatcher> dispatcher_;
    std::string pk;
    std::string dev;  // "/products/{pk}/devices/lamp01"
};

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

// --- thing model ---

TEST_F(ThingApi, ThingModelPutAndGet) {
    auto r = call(http::verb::put, "/products/" + pk + "/thing-model", std::string(kModel));
    ASSERT_EQ(r.status, 200u) << r.body;
    const json put_doc = r.js();
    EXPECT_EQ(put_doc["profile"]["productKey"], pk);
    ASSERT_EQ(put_doc["properties"].size(), 3u);
    EXPECT_EQ(put_doc["properties"][0]["identifier"], "Temp");
    EXPECT_EQ(put_doc["properties"][0]["accessMode"], "r");
    // The export carries the built-ins: event post, services set and get.
    ASSERT_EQ(put_doc["events"].size(), 2u);
    EXPECT_EQ(put_doc["events"][0]["identifier"], "post");
    EXPECT_EQ(put_doc["events"][1]["identifier"], "Overheat");
    ASSERT_EQ(put_doc["services"].size(), 4u);
    EXPECT_EQ(put_doc["services"][0]["identifier"], "set");
    EXPECT_EQ(put_doc["services"][1]["identifier"], "get");
    EXPECT_EQ(put_doc["services"][3]["callType"], "sync");
    // set takes the writable properties only.
    EXPECT_EQ(put_doc["services"][0]["inputData"].size(), 2u);

    r = get("/products/" + pk + "/thing-model");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js(), put_doc);

    // The export can be PUT back unchanged.
    r = call(http::verb::put, "/products/" + pk + "/thing-model", put_doc.dump());
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js(), put_doc);
}

TEST_F(ThingApi, ThingModelWithoutOneIsEmpty) {
    auto r = get("/products/" + pk + "/thing-model");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["properties"], json::array());
    EXPECT_EQ(r.js()["events"].size(), 1u);    // post
    EXPECT_EQ(r.js()["services"].size(), 2u);  // set, get
}

TEST_F(ThingApi, ThingModelErrors) {
    put_model();
    const std::string path = "/products/" + pk + "/thing-model";
    json bad = json::parse(kModel);
    bad["properties"][1]["dataType"]["specs"]["max"] = "-1";
    auto r = call(http::verb::put, path, bad.dump());
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "InvalidThingModel");
    EXPECT_TRUE(starts_with(r.message(), "properties[1].dataType.specs.max: ")) << r.message();

    bad = json::parse(kModel);
    bad["services"][0]["inputData"][0]["dataType"]["type"] = "decimal";
    r = call(http::verb::put, path, bad.dump());
    EXPECT_EQ(r.code(), "InvalidThingModel");
    EXPECT_TRUE(starts_with(r.message(), "services[0].inputData[0].dataType.type: "))
        << r.message();

    r = call(http::verb::put, path, std::string("{not json"));
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "InvalidThingModel");

    // A rejected document leaves the current model in place.
    r = get(path);
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.js()["properties"].size(), 3u);
    EXPECT_EQ(r.js()["properties"][1]["dataType"]["specs"]["max"], "100");

    // A thing model is JSON: other content types (or none) are refused.
    r = call(http::verb::put, path, std::string(kModel), std::string(kToken), "text/plain");
    EXPECT_EQ(r.status, 415u);
    EXPECT_EQ(r.code(), "UnsupportedMediaType");
    r = call(http::verb::put, path, std::string(kModel), std::string(kToken), "");
    EXPECT_EQ(r.status, 415u);

    r = call(http::verb::put, "/products/nope0000000/thing-model", std::string(kModel));
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "ProductNotFound");
    r = get("/products/nope0000000/thing-model");
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "ProductNotFound");

    // Admin routes want the token.
    r = call(http::verb::get, path, std::nullopt, std::nullopt);
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.code(), "Unauthenticated");
}

// --- property set ---

TEST_F(ThingApi, SetPropertiesSendsPropertySet) {
    put_model();
    auto r = post(dev + "/properties", {{"params", {{"Brightness", 42}, {"Power", 1}}}});
    ASSERT_EQ(r.status, 200u) << r.body;
    const std::string id = r.js()["messageId"];
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(r.js().size(), 1u);  // async: the message id only

    auto sent = link_.sent_on(sys("thing/service/property/set"));
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].product_key, pk);
    EXPECT_EQ(sent[0].device_name, "lamp01");
    json msg = json::parse(sent[0].payload);
    EXPECT_EQ(msg.size(), 4u) << msg;
    EXPECT_EQ(msg["id"], id);
    EXPECT_EQ(msg["version"], "1.0");
    EXPECT_EQ(msg["method"], "thing.service.property.set");
    EXPECT_EQ(msg["params"], json({{"Brightness", 42}, {"Power", 1}}));

    // The call is recorded, and the device's reply completes it.
    store_->flush();
    r = get(dev + "/calls");
    ASSERT_EQ(r.status, 200u) << r.body;
    ASSERT_EQ(r.js()["items"].size(), 1u);
    EXPECT_EQ(r.js()["items"][0]["messageId"], id);
    EXPECT_EQ(r.js()["items"][0]["identifier"], "set");
    EXPECT_EQ(r.js()["items"][0]["status"], "sent");
    EXPECT_FALSE(r.js()["items"][0].contains("replyCode"));

    from_device(sys("thing/service/property/set_reply"),
                {{"id", id}, {"code", 200}, {"data", json::object()}});
    store_->flush();
    r = get(dev + "/calls");
    ASSERT_EQ(r.js()["items"].size(), 1u);
    EXPECT_EQ(r.js()["items"][0]["status"], "replied");
    EXPECT_EQ(r.js()["items"][0]["replyCode"], 200);
    EXPECT_EQ(r.js()["items"][0]["params"], json({{"Brightness", 42}, {"Power", 1}}));
    ASSERT_EQ(link_.published().size(), 1u);
    EXPECT_EQ(link_.published()[0].topic, "/" + pk + "/lamp01/thing/downlink/reply/message");
}

TEST_F(ThingApi, SetPropertiesChecksValuesFirst) {
    put_model();
    auto r = post(dev + "/properties", {{"params", {{"Temp", 20}}}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "InvalidArgument");
    EXPECT_TRUE(starts_with(r.message(), "params.Temp: ")) << r.message();
    EXPECT_NE(r.message().find("read-only"), std::string::npos) << r.message();

    r = post(dev + "/properties", {{"params", {{"Brightness", 101}}}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "params.Brightness: ")) << r.message();

    r = post(dev + "/properties", {{"params", {{"Brightness", "high"}}}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "params.Brightness: ")) << r.message();

    r = post(dev + "/properties", {{"params", {{"Volume", 3}}}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "params.Volume: ")) << r.message();

    r = post(dev + "/properties", {{"params", json::object()}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "params: ")) << r.message();

    r = post(dev + "/properties", json::object());
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.message(), "params: required");

    r = post(dev + "/properties", {{"params", {{"Power", 1}}}, {"qos", 1}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "UnknownField");

    r = call(http::verb::post, dev + "/properties", std::string("{\"params\":"));
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "MalformedJson");

    // Nothing reached the device.
    EXPECT_TRUE(link_.sent().empty());
}

TEST_F(ThingApi, DeviceOfflineIs409) {
    put_model();
    link_.set_connected(false);
    auto r = post(dev + "/properties", {{"params", {{"Power", 0}}}});
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(r.code(), "DeviceOffline");
    r = post(dev + "/services/Reboot", {{"params", {{"delay", 5}}}});
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(r.code(), "DeviceOffline");
    r = post(dev + "/services/Calibrate", json::object());
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(r.code(), "DeviceOffline");

    // The attempts are recorded as such.
    store_->flush();
    r = get(dev + "/calls");
    ASSERT_EQ(r.status, 200u) << r.body;
    ASSERT_EQ(r.js()["items"].size(), 3u);
    // Held in a variable: a range-for over a member of a temporary dangles.
    const json calls = r.js();
    for (const auto& c : calls["items"]) EXPECT_EQ(c["status"], "offline") << c;
}

// --- services ---

TEST_F(ThingApi, AsyncService) {
    put_model();
    auto r = post(dev + "/services/Reboot", {{"params", {{"delay", 5}}}});
    ASSERT_EQ(r.status, 200u) << r.body;
    const std::string id = r.js()["messageId"];
    EXPECT_FALSE(r.js().contains("code"));
    auto sent = link_.sent_on(sys("thing/service/Reboot"));
    ASSERT_EQ(sent.size(), 1u);
    json msg = json::parse(sent[0].payload);
    EXPECT_EQ(msg["id"], id);
    EXPECT_EQ(msg["method"], "thing.service.Reboot");
    EXPECT_EQ(msg["params"], json({{"delay", 5}}));

    // Without a body: params default to {}.
    clock_.advance(10);
    r = call(http::verb::post, dev + "/services/Reboot");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(json::parse(link_.sent_on(sys("thing/service/Reboot")).back().payload)["params"],
              json::object());

    from_device(sys("thing/service/Reboot_reply"),
                {{"id", id}, {"code", 200}, {"data", {{"ok", 1}}}, {"message", "done"}});
    store_->flush();
    r = get(dev + "/calls");
    ASSERT_EQ(r.status, 200u) << r.body;
    ASSERT_EQ(r.js()["items"].size(), 2u);
    const json replied = r.js()["items"][1];  // newest first
    EXPECT_EQ(replied["messageId"], id);
    EXPECT_EQ(replied["identifier"], "Reboot");
    EXPECT_EQ(replied["status"], "replied");
    EXPECT_EQ(replied["replyData"], json({{"ok", 1}}));
    EXPECT_EQ(replied["replyMessage"], "done");
}

TEST_F(ThingApi, ServiceErrors) {
    put_model();
    auto r = post(dev + "/services/SelfDestruct", json::object());
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "ServiceNotFound");

    r = post(dev + "/services/Reboot", {{"params", {{"delay", 7200}}}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "params: ")) << r.message();
    EXPECT_NE(r.message().find("delay"), std::string::npos) << r.message();

    r = post(dev + "/services/Reboot", {{"params", json::array()}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "params: ")) << r.message();

    r = post(dev + "/services/Reboot", {{"params", json::object()}, {"timeout", 5}});
    EXPECT_EQ(r.code(), "UnknownField");

    for (int bad : {0, 8001}) {
        r = post(dev + "/services/Calibrate", {{"timeoutMs", bad}});
        EXPECT_EQ(r.status, 400u) << bad;
        EXPECT_TRUE(starts_with(r.message(), "timeoutMs: ")) << r.message();
    }
    r = post(dev + "/services/Calibrate", {{"timeoutMs", "50"}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "timeoutMs: ")) << r.message();
    EXPECT_TRUE(link_.sent().empty());
}

TEST_F(ThingApi, SyncServiceWithoutAnswerTimesOut) {
    put_model();
    auto r = post(dev + "/services/Calibrate", {{"params", json::object()}, {"timeoutMs", 50}});
    EXPECT_EQ(r.status, 504u) << r.body;
    EXPECT_EQ(r.code(), "DeviceTimeout");
    // It went out over RRPC.
    auto sent = link_.sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_TRUE(starts_with(sent[0].topic, sys("rrpc/request/"))) << sent[0].topic;
    EXPECT_EQ(json::parse(sent[0].payload)["method"], "thing.service.Calibrate");

    store_->flush();
    r = get(dev + "/calls");
    ASSERT_EQ(r.js()["items"].size(), 1u);
    EXPECT_EQ(r.js()["items"][0]["status"], "timeout");
}

TEST_F(ThingApi, SyncServiceReturnsTheAnswer) {
    put_model();
    // The device answers on /rrpc/response/{msgId} as soon as it gets the request.
    link_.on_send([this](const Downlink& d) {
        const std::string prefix = sys("rrpc/request/");
        if (!starts_with(d.topic, prefix)) return;
        std::string id = d.topic.substr(prefix.size());
        from_device(sys("rrpc/response/" + id),
                    {{"id", id}, {"code", 200}, {"data", {{"offset", 0.5}}}, {"message", "ok"}});
    });
    auto r = post(dev + "/services/Calibrate", {{"timeoutMs", 2000}});
    ASSERT_EQ(r.status, 200u) << r.body;
    const json j = r.js();
    EXPECT_FALSE(j["messageId"].get<std::string>().empty());
    EXPECT_EQ(j["code"], 200);
    EXPECT_EQ(j["data"], json({{"offset", 0.5}}));
    EXPECT_EQ(j["message"], "ok");
    link_.on_send(nullptr);

    store_->flush();
    r = get(dev + "/calls");
    ASSERT_EQ(r.js()["items"].size(), 1u);
    EXPECT_EQ(r.js()["items"][0]["status"], "replied");
    EXPECT_EQ(r.js()["items"][0]["replyCode"], 200);
}

// --- stored data ---

TEST_F(ThingApi, LatestPropertiesHistoryAndAggregate) {
    put_model();
    post_property({{"Temp", {{"value", 20.0}, {"time", kNow - 3000}}}}, "1");
    post_property({{"Temp", {{"value", 22.0}, {"time", kNow - 2000}}}}, "2");
    post_property({{"Temp", {{"value", 24.0}, {"time", kNow - 1000}}}, {"Brightness", 60}}, "3");
    // Invalid in strict mode: nothing of it is stored.
    post_property({{"Temp", 500}, {"Brightness", 10}}, "4");
    store_->flush();

    auto r = get(dev + "/properties");
    ASSERT_EQ(r.status, 200u) << r.body;
    json items = r.js()["items"];
    ASSERT_EQ(items.size(), 2u) << items;
    json temp, brightness;
    for (const auto& i : items) (i["identifier"] == "Temp" ? temp : brightness) = i;
    EXPECT_EQ(temp["value"], 24.0);
    EXPECT_EQ(temp["time"], kNow - 1000);
    EXPECT_EQ(temp["name"], "Temperature");
    EXPECT_EQ(temp["unit"], "C");
    EXPECT_EQ(brightness["value"], 60);
    EXPECT_EQ(brightness["time"], kNow);  // no time given: the platform's

    // The device was answered once the batch was stored.
    auto replies = link_.sent_on(sys("thing/event/property/post_reply"));
    ASSERT_EQ(replies.size(), 4u);
    int ok = 0;
    for (const auto& rep : replies) ok += json::parse(rep.payload)["code"] == 200;
    EXPECT_EQ(ok, 3);

    const std::string history = dev + "/properties/Temp/history";
    r = get(history);
    ASSERT_EQ(r.status, 200u) << r.body;
    items = r.js()["items"];
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0]["value"], 24.0);  // newest first
    EXPECT_EQ(items[0]["identifier"], "Temp");
    EXPECT_EQ(items[2]["value"], 20.0);
    EXPECT_EQ(r.js()["nextPageToken"], "");

    r = get(history + "?from=" + std::to_string(kNow - 2500) +
            "&to=" + std::to_string(kNow - 1500));
    ASSERT_EQ(r.status, 200u) << r.body;
    ASSERT_EQ(r.js()["items"].size(), 1u);
    EXPECT_EQ(r.js()["items"][0]["value"], 22.0);

    r = get(history + "?pageSize=2");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["items"].size(), 2u);
    std::string token = r.js()["nextPageToken"];
    ASSERT_FALSE(token.empty());
    r = get(history + "?pageSize=2&pageToken=" + token);
    ASSERT_EQ(r.status, 200u) << r.body;
    ASSERT_EQ(r.js()["items"].size(), 1u);
    EXPECT_EQ(r.js()["items"][0]["value"], 20.0);
    EXPECT_EQ(r.js()["nextPageToken"], "");

    // One minute bucket holds all three (kNow - 3000 .. kNow - 1000 do not
    // cross a multiple of 60000).
    r = get(dev + "/properties/Temp/aggregate?interval=60000");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["interval"], 60000);
    ASSERT_EQ(r.js()["items"].size(), 1u);
    const json b = r.js()["items"][0];
    EXPECT_EQ(b["count"], 3);
    EXPECT_EQ(b["min"], 20.0);
    EXPECT_EQ(b["max"], 24.0);
    EXPECT_EQ(b["avg"], 22.0);
    EXPECT_EQ(b["start"], (kNow - 3000) / 60000 * 60000);
    r = get(dev + "/properties/Temp/aggregate?interval=1000");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["items"].size(), 3u);
    r = get(dev + "/properties/Temp/aggregate");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["interval"], 60000);  // the default
}

TEST_F(ThingApi, EventsAreListed) {
    put_model();
    from_device(sys("thing/event/Overheat/post"),
                {{"id", "9"},
                 {"version", "1.0"},
                 {"params", {{"value", {{"temp", 99.5}}}, {"time", kNow - 500}}},
                 {"method", "thing.event.Overheat.post"}});
    // Not in the thing model: refused, not stored.
    from_device(sys("thing/event/Meltdown/post"), {{"id", "10"}, {"params", json::object()}});
    store_->flush();

    auto r = get(dev + "/events");
    ASSERT_EQ(r.status, 200u) << r.body;
    ASSERT_EQ(r.js()["items"].size(), 1u) << r.body;
    const json e = r.js()["items"][0];
    EXPECT_EQ(e["identifier"], "Overheat");
    EXPECT_EQ(e["type"], "alert");
    EXPECT_EQ(e["value"], json({{"temp", 99.5}}));
    EXPECT_EQ(e["time"], kNow - 500);
    EXPECT_EQ(r.js()["nextPageToken"], "");

    EXPECT_EQ(get(dev + "/events?identifier=Overheat").js()["items"].size(), 1u);
    EXPECT_EQ(get(dev + "/events?identifier=Other").js()["items"].size(), 0u);
    EXPECT_EQ(get(dev + "/events?to=" + std::to_string(kNow - 501)).js()["items"].size(), 0u);
}

TEST_F(ThingApi, HistoryQueriesAreChecked) {
    put_model();
    for (const std::string& base :
         {dev + "/properties/Temp/history", dev + "/events", dev + "/calls"}) {
        SCOPED_TRACE(base);
        auto r = get(base + "?from=2000&to=1000");
        EXPECT_EQ(r.status, 400u);
        EXPECT_EQ(r.code(), "InvalidArgument");
        EXPECT_EQ(r.message(), "from: must not be after to");
        for (const char* size : {"0", "1001", "-1", "ten", "5x", ""}) {
            r = get(base + "?pageSize=" + size);
            EXPECT_EQ(r.status, 400u) << size;
            EXPECT_TRUE(starts_with(r.message(), "pageSize: ")) << r.message();
        }
        r = get(base + "?from=yesterday");
        EXPECT_EQ(r.status, 400u);
        EXPECT_TRUE(starts_with(r.message(), "from: ")) << r.message();
        r = get(base + "?to=-5");
        EXPECT_EQ(r.status, 400u);
        EXPECT_TRUE(starts_with(r.message(), "to: ")) << r.message();
        r = get(base + "?limit=5");
        EXPECT_EQ(r.status, 400u);
        EXPECT_EQ(r.code(), "UnknownField");
        r = get(base + "?pageToken=not-a-token");
        EXPECT_EQ(r.status, 400u) << r.body;
        EXPECT_EQ(r.code(), "InvalidArgument");
        EXPECT_TRUE(starts_with(r.message(), "pageToken: ")) << r.message();
        EXPECT_EQ(get(base + "?pageSize=1000&from=0").status, 200u);
    }
    // identifier filters events only.
    EXPECT_EQ(get(dev + "/calls?identifier=set").code(), "UnknownField");
    EXPECT_EQ(get(dev + "/properties?from=0").code(), "UnknownField");

    const std::string aggregate = dev + "/properties/Temp/aggregate";
    EXPECT_TRUE(starts_with(get(aggregate + "?interval=999").message(), "interval: "));
    EXPECT_TRUE(starts_with(get(aggregate + "?interval=1m").message(), "interval: "));
    EXPECT_EQ(get(aggregate + "?pageSize=5").code(), "UnknownField");
    EXPECT_EQ(get(aggregate + "?from=5&to=1").status, 400u);
}

// --- shadow and desired values ---

TEST_F(ThingApi, ShadowDesired) {
    auto r = get(dev + "/shadow");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["version"], 0);
    EXPECT_EQ(r.js()["state"]["desired"], json::object());

    r = put(dev + "/shadow", {{"state", {{"desired", {{"color", "red"}}}}}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["version"], 1);
    EXPECT_EQ(r.js()["delivered"], true);
    EXPECT_EQ(r.js()["state"]["desired"], json({{"color", "red"}}));
    auto sent = link_.sent_on("/shadow/get/" + pk + "/lamp01");
    ASSERT_EQ(sent.size(), 1u);
    json control = json::parse(sent[0].payload);
    EXPECT_EQ(control["method"], "control");
    EXPECT_EQ(control["version"], 1);
    EXPECT_EQ(control["payload"]["state"]["desired"], json({{"color", "red"}}));

    // With a version: it must be the next one.
    r = put(dev + "/shadow", {{"state", {{"desired", {{"level", 3}}}}}, {"version", 2}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["version"], 2);
    EXPECT_EQ(r.js()["state"]["desired"], json({{"color", "red"}, {"level", 3}}));
    for (int stale : {2, 1, 5}) {
        r = put(dev + "/shadow", {{"state", {{"desired", {{"level", 4}}}}}, {"version", stale}});
        EXPECT_EQ(r.status, 409u) << stale;
        EXPECT_EQ(r.code(), "VersionConflict");
    }
    EXPECT_EQ(link_.sent_on("/shadow/get/" + pk + "/lamp01").size(), 2u);

    // "null" deletes a key; an offline device reads the state later.
    link_.set_connected(false);
    r = put(dev + "/shadow", {{"state", {{"desired", {{"color", "null"}}}}}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["version"], 3);
    EXPECT_EQ(r.js()["delivered"], false);
    EXPECT_EQ(r.js()["state"]["desired"], json({{"level", 3}}));

    r = get(dev + "/shadow");
    EXPECT_EQ(r.js()["version"], 3);
    EXPECT_EQ(r.js()["state"]["desired"], json({{"level", 3}}));
    EXPECT_TRUE(r.js()["metadata"]["desired"].contains("level"));
}

TEST_F(ThingApi, ShadowPutErrors) {
    auto r = put(dev + "/shadow", {{"state", {{"reported", {{"color", "red"}}}}}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "state.reported: ")) << r.message();
    r = put(dev + "/shadow", json::object());
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "state: ")) << r.message();
    r = put(dev + "/shadow", {{"state", json::object()}});
    EXPECT_EQ(r.message(), "state.desired: required");
    r = put(dev + "/shadow", {{"state", {{"desired", 5}}}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "state.desired: ")) << r.message();
    r = put(dev + "/shadow", {{"state", {{"desired", json::object()}}}, {"version", -1}});
    EXPECT_TRUE(starts_with(r.message(), "version: ")) << r.message();
    r = put(dev + "/shadow", {{"state", {{"desired", json::object()}}}, {"metadata", 1}});
    EXPECT_EQ(r.code(), "UnknownField");
    EXPECT_EQ(get(dev + "/shadow").js()["version"], 0);
    EXPECT_TRUE(link_.sent().empty());
}

TEST_F(ThingApi, DesiredProperties) {
    put_model();
    auto r = get(dev + "/desired-properties");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["items"], json::object());

    r = put(dev + "/desired-properties", {{"params", {{"Brightness", 50}}}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["items"]["Brightness"]["value"], 50);
    EXPECT_EQ(r.js()["items"]["Brightness"]["version"], 1);
    r = put(dev + "/desired-properties", {{"params", {{"Brightness", 70}, {"Power", 1}}}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["items"]["Brightness"]["version"], 2);
    EXPECT_EQ(r.js()["items"]["Power"]["version"], 1);

    r = get(dev + "/desired-properties");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(r.js()["items"]["Brightness"]["value"], 70);
    EXPECT_EQ(r.js()["items"]["Brightness"]["time"], kNow);
    EXPECT_EQ(r.js()["items"].size(), 2u);

    r = put(dev + "/desired-properties", {{"params", {{"Brightness", 500}}}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_TRUE(starts_with(r.message(), "params.Brightness: ")) << r.message();
    r = put(dev + "/desired-properties", {{"params", {{"Nope", 1}}}});
    EXPECT_TRUE(starts_with(r.message(), "params.Nope: ")) << r.message();
    r = put(dev + "/desired-properties", json::object());
    EXPECT_EQ(r.message(), "params: required");
    r = put(dev + "/desired-properties", {{"params", json::object()}});
    EXPECT_TRUE(starts_with(r.message(), "params: ")) << r.message();
    EXPECT_EQ(get(dev + "/desired-properties").js()["items"]["Brightness"]["value"], 70);
}

// --- remote config ---

TEST_F(ThingApi, RemoteConfig) {
    const std::string config = "/products/" + pk + "/config";
    auto r = get(config);
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "ConfigNotFound");
    r = post(config + ":push", json::object());
    EXPECT_EQ(r.code(), "ConfigNotFound");

    r = put(config, {{"content", "interval=30\n"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    const json info = r.js();
    const std::string id = info["configId"];
    EXPECT_EQ(id.size(), 32u);
    EXPECT_EQ(info["configSize"], 12);
    EXPECT_EQ(info["signMethod"], "Sha256");
    EXPECT_EQ(info["sign"], "790cf4f766920188ae79c9ad86556129ad60c87372c2468dba423ebe13fff6f7");
    EXPECT_EQ(info["url"], "http://iot.example.com:8080/api/v1/config-files/" + pk + "/" + id);
    EXPECT_EQ(info["updatedTime"], kNow);

    r = get(config);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js(), info);

    // Devices download without a token: the id is the credential.
    r = call(http::verb::get, "/config-files/" + pk + "/" + id, std::nullopt, std::nullopt);
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.body, "interval=30\n");
    EXPECT_EQ(r.header(http::field::content_type), "application/octet-stream");
    r = call(http::verb::get, "/config-files/" + pk + "/" + std::string(32, 'x'), std::nullopt,
             std::nullopt);
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "ConfigNotFound");
    r = call(http::verb::get, "/config-files/nope0000000/" + id, std::nullopt, std::nullopt);
    EXPECT_EQ(r.status, 404u);

    // A new file gets a new id; the old URL stops working.
    r = put(config, {{"content", "interval=60\n"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    const std::string id2 = r.js()["configId"];
    EXPECT_NE(id2, id);
    EXPECT_NE(r.js()["sign"], info["sign"]);
    EXPECT_EQ(
        call(http::verb::get, "/config-files/" + pk + "/" + id, std::nullopt, std::nullopt).code(),
        "ConfigNotFound");
    EXPECT_EQ(
        call(http::verb::get, "/config-files/" + pk + "/" + id2, std::nullopt, std::nullopt).body,
        "interval=60\n");

    // The management routes are not public.
    EXPECT_EQ(call(http::verb::get, config, std::nullopt, std::nullopt).status, 401u);

    r = put(config, json::object());
    EXPECT_EQ(r.message(), "content: required");
    r = put(config, {{"content", 5}});
    EXPECT_TRUE(starts_with(r.message(), "content: ")) << r.message();
    r = put(config, {{"content", "x"}, {"name", "y"}});
    EXPECT_EQ(r.code(), "UnknownField");
    r = put("/products/nope0000000/config", {{"content", "x"}});
    EXPECT_EQ(r.code(), "ProductNotFound");
    EXPECT_EQ(get("/products/nope0000000/config").code(), "ProductNotFound");
}

TEST_F(ThingApi, ConfigPushReachesConnectedDevices) {
    const std::string config = "/products/" + pk + "/config";
    ASSERT_TRUE(registry_->register_device(pk, "lamp02").has_value());
    auto r = put(config, {{"content", "interval=30\n"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    const std::string id = r.js()["configId"];

    // No device online.
    r = post(config + ":push", json::object());
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["devicesReached"], 0);

    registry_->mark_online(pk, "lamp01", "10.0.0.1", kNow);
    r = call(http::verb::post, config + ":push");  // no body at all
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.js()["devicesReached"], 1);
    auto sent = link_.sent_on(sys("thing/config/push"));
    ASSERT_EQ(sent.size(), 1u);
    json msg = json::parse(sent[0].payload);
    EXPECT_EQ(msg["method"], "thing.config.push");
    EXPECT_EQ(msg["params"]["configId"], id);
    EXPECT_EQ(msg["params"]["url"],
              "http://iot.example.com:8080/api/v1/config-files/" + pk + "/" + id);

    r = post(config + ":push", {{"force", true}});
    EXPECT_EQ(r.code(), "UnknownField");
    EXPECT_EQ(post("/products/nope0000000/config:push", json::object()).code(), "ProductNotFound");
}

// --- requests the platform does not implement ---

TEST_F(ThingApi, UnsupportedRequestsGetAnErrorReply) {
    from_device(sys("thing/topo/add"), {{"id", 77}, {"params", json::array()}});
    auto sent = link_.sent_on(sys("thing/topo/add_reply"));
    ASSERT_EQ(sent.size(), 1u);
    json reply = json::parse(sent[0].payload);
    EXPECT_EQ(reply["id"], "77");
    EXPECT_EQ(reply["code"], thing::kMethodNotSupported);
    EXPECT_EQ(reply["method"], "thing.topo.add");
    EXPECT_EQ(reply["data"], json::object());

    // No reply wanted: none sent. The device's answers get none either.
    from_device(sys("thing/topo/add"), {{"id", "78"}, {"sys", {{"ack", 0}}}});
    from_device(sys("thing/disable_reply"), {{"id", "1"}, {"code", 200}});
    EXPECT_EQ(link_.sent().size(), 1u);

    // Not JSON: still answered, without an id to echo.
    broker::ClientIdentity who{broker::ClientIdentity::Kind::Device, pk, "lamp01", "x"};
    thing_->on_device_message(who, sys("thing/log/post"), SharedBuffer::copy_of("garbage"));
    sent = link_.sent_on(sys("thing/log/post_reply"));
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(json::parse(sent[0].payload)["code"], thing::kMethodNotSupported);
}

// --- unknown devices and products ---

TEST_F(ThingApi, UnknownDeviceIs404OnEveryDeviceRoute) {
    put_model();
    struct Case {
        http::verb method;
        std::string suffix;
        std::optional<json> body;
    };
    const std::vector<Case> cases = {
        {http::verb::get, "/properties", std::nullopt},
        {http::verb::post, "/properties", json{{"params", {{"Power", 1}}}}},
        {http::verb::get, "/properties/Temp/history", std::nullopt},
        {http::verb::get, "/properties/Temp/aggregate", std::nullopt},
        {http::verb::post, "/services/Reboot", json{{"params", {{"delay", 1}}}}},
        {http::verb::get, "/events", std::nullopt},
        {http::verb::get, "/calls", std::nullopt},
        {http::verb::get, "/shadow", std::nullopt},
        {http::verb::put, "/shadow", json{{"state", {{"desired", {{"a", 1}}}}}}},
        {http::verb::get, "/desired-properties", std::nullopt},
        {http::verb::put, "/desired-properties", json{{"params", {{"Power", 1}}}}},
    };
    for (const auto& c : cases) {
        auto body = c.body ? std::optional<std::string>(c.body->dump()) : std::nullopt;
        auto r = call(c.method, "/products/" + pk + "/devices/ghost01" + c.suffix, body);
        EXPECT_EQ(r.status, 404u) << c.suffix << " " << r.body;
        EXPECT_EQ(r.code(), "DeviceNotFound") << c.suffix;
        r = call(c.method, "/products/nope0000000/devices/lamp01" + c.suffix, body);
        EXPECT_EQ(r.status, 404u) << c.suffix << " " << r.body;
        EXPECT_EQ(r.code(), "ProductNotFound") << c.suffix;
    }
    EXPECT_TRUE(link_.sent().empty());
}

}  // namespace
}  // namespace ts::api::test
