#include <string>

#include <gtest/gtest.h>

#include "thing/thing_model.hpp"
#include "tsl_test_util.hpp"

namespace ts::thing {
namespace {

using nlohmann::json;
using test::kFullTsl;
using test::parse_ok;

const json* entry(const json& list, std::string_view id) {
    for (const auto& e : list)
        if (e.value("identifier", "") == id) return &e;
    return nullptr;
}

TEST(TslExport, RoundTripGivesTheSameModel) {
    auto first = parse_ok(kFullTsl);
    ASSERT_TRUE(first);
    const json doc = to_tsl_json(*first, first->product_key);
    auto second = parse_thing_model(doc);
    ASSERT_TRUE(second) << second.error().path << ": " << second.error().message;
    test::expect_same(**second, *first);
    // And through text, as a device or a user would see it.
    auto third = parse_ok(doc.dump());
    ASSERT_TRUE(third);
    test::expect_same(*third, *first);
    EXPECT_EQ(to_tsl_json(*third, third->product_key), doc);
}

TEST(TslExport, AlibabaShape) {
    auto m = parse_ok(kFullTsl);
    ASSERT_TRUE(m);
    const json doc = to_tsl_json(*m, "pk123");
    EXPECT_EQ(doc["schema"], "https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json");
    EXPECT_EQ(doc["profile"]["productKey"], "pk123");
    EXPECT_FALSE(doc.contains("functionBlockId"));

    const json& temp = doc["properties"][0];
    EXPECT_EQ(temp["identifier"], "Temp");
    EXPECT_EQ(temp["name"], "温度");
    EXPECT_EQ(temp["accessMode"], "r");
    EXPECT_EQ(temp["required"], false);
    EXPECT_EQ(temp["desc"], "room temperature");
    EXPECT_EQ(temp["dataType"],
              json::parse(R"({"type":"float","specs":{"min":"-40","max":"120","step":"0.1",
                              "unit":"°C","unitName":"摄氏度"}})"));
    const json* bright = entry(doc["properties"], "Brightness");
    ASSERT_TRUE(bright);
    EXPECT_EQ((*bright)["accessMode"], "rw");
    EXPECT_EQ((*bright)["dataType"]["specs"], json::parse(R"({"min":"0","max":"100","step":"1"})"));
    EXPECT_EQ((*entry(doc["properties"], "Energy"))["dataType"]["specs"]["max"], "3.4028235e+38");
    EXPECT_EQ((*entry(doc["properties"], "Label"))["dataType"],
              json::parse(R"({"type":"text","specs":{"length":"255"}})"));
    EXPECT_EQ((*entry(doc["properties"], "Installed"))["dataType"],
              json::parse(R"({"type":"date","specs":{}})"));
    EXPECT_EQ((*entry(doc["properties"], "Mode"))["dataType"]["specs"],
              json::parse(R"({"0":"auto","1":"cool","2":"heat"})"));
    EXPECT_EQ((*entry(doc["properties"], "Readings"))["dataType"],
              json::parse(R"({"type":"array","specs":{"size":"3","item":{"type":"int",
                              "specs":{"min":"0","max":"10"}}}})"));
    const json& points = (*entry(doc["properties"], "Points"))["dataType"]["specs"]["item"];
    EXPECT_EQ(points["type"], "struct");
    ASSERT_TRUE(points["specs"].is_array());
    EXPECT_EQ(points["specs"][0]["identifier"], "x");

    // Built-ins first, once each, as Alibaba's export carries them.
    const json& events = doc["events"];
    ASSERT_EQ(events.size(), 3u);
    const json& post = events[0];
    EXPECT_EQ(post["identifier"], "post");
    EXPECT_EQ(post["name"], "post");
    EXPECT_EQ(post["type"], "info");
    EXPECT_EQ(post["method"], "thing.event.property.post");
    ASSERT_EQ(post["outputData"].size(), m->properties.size());
    EXPECT_EQ(post["outputData"][0]["identifier"], "Temp");
    EXPECT_EQ(post["outputData"][0]["dataType"], temp["dataType"]);
    const json* hw = entry(events, "HardwareError");
    ASSERT_TRUE(hw);
    EXPECT_EQ((*hw)["type"], "error");
    EXPECT_EQ((*hw)["method"], "thing.event.HardwareError.post");
    EXPECT_EQ((*hw)["outputData"].size(), 2u);

    const json& services = doc["services"];
    ASSERT_EQ(services.size(), 4u);
    const json& set = services[0];
    EXPECT_EQ(set["identifier"], "set");
    EXPECT_EQ(set["callType"], "async");
    EXPECT_EQ(set["method"], "thing.service.property.set");
    EXPECT_EQ(set["outputData"], json::array());
    // Only writable properties can be set: Temp is read-only.
    EXPECT_EQ(set["inputData"].size(), m->properties.size() - 1);
    EXPECT_EQ(entry(set["inputData"], "Temp"), nullptr);
    EXPECT_NE(entry(set["inputData"], "Brightness"), nullptr);
    const json& get = services[1];
    EXPECT_EQ(get["identifier"], "get");
    EXPECT_EQ(get["method"], "thing.service.property.get");
    ASSERT_EQ(get["inputData"].size(), m->properties.size());
    EXPECT_EQ(get["inputData"][0], "Temp");
    EXPECT_EQ(get["outputData"], post["outputData"]);
    const json* reboot = entry(services, "Reboot");
    ASSERT_TRUE(reboot);
    EXPECT_EQ((*reboot)["callType"], "async");
    EXPECT_EQ((*reboot)["method"], "thing.service.Reboot");
    EXPECT_EQ((*reboot)["inputData"][0]["dataType"]["specs"]["max"], "3600");
    EXPECT_EQ((*entry(services, "Calibrate"))["callType"], "sync");
}

TEST(TslExport, EmptyProductKeyFallsBackToTheModels) {
    auto m = parse_ok(kFullTsl);
    ASSERT_TRUE(m);
    EXPECT_EQ(to_tsl_json(*m, "")["profile"]["productKey"], "a1B2c3D4e5F");
}

TEST(TslExport, EmptyModelStillHasBuiltins) {
    const ThingModel m;
    const json doc = to_tsl_json(m, "pk");
    EXPECT_EQ(doc["properties"], json::array());
    ASSERT_EQ(doc["events"].size(), 1u);
    EXPECT_EQ(doc["events"][0]["outputData"], json::array());
    ASSERT_EQ(doc["services"].size(), 2u);
    EXPECT_EQ(doc["services"][1]["inputData"], json::array());
    auto back = parse_thing_model(doc);
    ASSERT_TRUE(back);
    EXPECT_TRUE((*back)->properties.empty());
    EXPECT_TRUE((*back)->events.empty());
    EXPECT_TRUE((*back)->services.empty());
}

TEST(TslExport, IntsAreWrittenInFull) {
    auto m = parse_ok(R"({"properties":[{"identifier":"n","dataType":{"type":"int",
        "specs":{"min":-2147483648,"max":"1000000000","step":"1e3"}}}]})");
    ASSERT_TRUE(m);
    const json specs = to_tsl_json(*m, "pk")["properties"][0]["dataType"]["specs"];
    EXPECT_EQ(specs, json::parse(R"({"min":"-2147483648","max":"1000000000","step":"1000"})"));
}

TEST(TslExport, ShortestDoublesReadBackExactly) {
    auto m = parse_ok(R"({"properties":[{"identifier":"d","dataType":{"type":"double",
        "specs":{"min":"0.1","max":1e300,"step":0.30000000000000004}}}]})");
    ASSERT_TRUE(m);
    const json doc = to_tsl_json(*m, "");
    EXPECT_EQ(doc["properties"][0]["dataType"]["specs"],
              json::parse(R"({"min":"0.1","max":"1e+300","step":"0.30000000000000004"})"));
    auto back = parse_thing_model(doc);
    ASSERT_TRUE(back);
    test::expect_same(**back, *m);
}

TEST(TslExport, FunctionBlockRoundTrip) {
    auto m = parse_ok(R"({"functionBlockId":"blk","profile":{"productKey":"pk"},
        "properties":[{"identifier":"temp","accessMode":"rw","dataType":{"type":"int"}}],
        "events":[{"identifier":"alarm"}],
        "services":[{"identifier":"reset","callType":"sync"}]})");
    ASSERT_TRUE(m);
    const json doc = to_tsl_json(*m, "pk");
    EXPECT_EQ(doc["functionBlockId"], "blk");
    EXPECT_EQ(doc["properties"][0]["identifier"], "temp");
    EXPECT_EQ(doc["services"][0]["inputData"][0]["identifier"], "temp");
    EXPECT_EQ(doc["services"][1]["inputData"][0], "temp");
    EXPECT_EQ(doc["events"][1]["identifier"], "alarm");
    EXPECT_EQ(doc["events"][1]["method"], "thing.event.blk:alarm.post");
    EXPECT_EQ(doc["services"][2]["method"], "thing.service.blk:reset");
    auto back = parse_thing_model(doc);
    ASSERT_TRUE(back) << back.error().path << ": " << back.error().message;
    test::expect_same(**back, *m);
    EXPECT_NE((*back)->find_property("blk:temp"), nullptr);
}

TEST(TslExport, TypeNames) {
    EXPECT_EQ(to_string(DataKind::Int), "int");
    EXPECT_EQ(to_string(DataKind::Float), "float");
    EXPECT_EQ(to_string(DataKind::Double), "double");
    EXPECT_EQ(to_string(DataKind::Text), "text");
    EXPECT_EQ(to_string(DataKind::Date), "date");
    EXPECT_EQ(to_string(DataKind::Bool), "bool");
    EXPECT_EQ(to_string(DataKind::Enum), "enum");
    EXPECT_EQ(to_string(DataKind::Struct), "struct");
    EXPECT_EQ(to_string(DataKind::Array), "array");
}

}  // namespace
}  // namespace ts::thing
