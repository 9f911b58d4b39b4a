#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "thing/thing_model.hpp"
#include "tsl_test_util.hpp"

namespace ts::thing {
namespace {

using nlohmann::json;
using test::kFullTsl;
using test::parse_ok;

TslError parse_error(std::string_view text) {
    auto m = parse_thing_model(text);
    EXPECT_FALSE(m.has_value()) << "parsed: " << text;
    return m ? TslError{"<parsed>", ""} : m.error();
}

// A document whose second property has the given dataType, so that errors
// sit under "properties[1].dataType".
std::string with_type(std::string_view data_type) {
    return R"({"properties":[{"identifier":"ok","name":"ok","dataType":{"type":"int"}},)"
           R"({"identifier":"p","name":"p","dataType":)" +
           std::string(data_type) + "}]}";
}

void expect_error(const std::string& doc, const std::string& path, const std::string& message) {
    const TslError e = parse_error(doc);
    EXPECT_EQ(e.path, path);
    EXPECT_EQ(e.message, message);
}

// The trace gives a failure the line of the check.
#define EXPECT_TSL_ERROR(...)      \
    do {                           \
        SCOPED_TRACE("");          \
        expect_error(__VA_ARGS__); \
    } while (0)

TEST(TslParse, FullAlibabaDocument) {
    auto m = parse_ok(kFullTsl);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->product_key, "a1B2c3D4e5F");
    EXPECT_EQ(m->function_block_id, "");
    ASSERT_EQ(m->properties.size(), 10u);

    const Property* temp = m->find_property("Temp");
    ASSERT_NE(temp, nullptr);
    EXPECT_EQ(temp->name, "温度");
    EXPECT_EQ(temp->access_mode, AccessMode::ReadOnly);
    EXPECT_FALSE(temp->required);
    EXPECT_EQ(temp->desc, "room temperature");
    EXPECT_EQ(temp->data_type.kind, DataKind::Float);
    EXPECT_EQ(temp->data_type.min, -40.0);
    EXPECT_EQ(temp->data_type.max, 120.0);
    EXPECT_EQ(temp->data_type.step, 0.1);
    EXPECT_EQ(temp->data_type.unit, "°C");
    EXPECT_EQ(temp->data_type.unit_name, "摄氏度");

    const Property* bright = m->find_property("Brightness");
    ASSERT_NE(bright, nullptr);
    EXPECT_EQ(bright->access_mode, AccessMode::ReadWrite);
    EXPECT_TRUE(bright->required);
    EXPECT_EQ(bright->data_type.kind, DataKind::Int);
    EXPECT_EQ(bright->data_type.step, 1.0);

    const auto& energy = m->find_property("Energy")->data_type;
    EXPECT_EQ(energy.kind, DataKind::Double);
    EXPECT_EQ(energy.min, 0.0);
    EXPECT_EQ(energy.max, 3.4028235e38);
    EXPECT_FALSE(energy.step.has_value());

    EXPECT_EQ(m->find_property("Label")->data_type.kind, DataKind::Text);
    EXPECT_EQ(m->find_property("Label")->data_type.length, 255u);
    EXPECT_EQ(m->find_property("Installed")->data_type.kind, DataKind::Date);

    const auto& sw = m->find_property("LightSwitch")->data_type;
    EXPECT_EQ(sw.kind, DataKind::Bool);
    EXPECT_EQ(sw.values, (std::map<std::int64_t, std::string>{{0, "关闭"}, {1, "开启"}}));

    const auto& mode = m->find_property("Mode")->data_type;
    EXPECT_EQ(mode.kind, DataKind::Enum);
    EXPECT_EQ(mode.values.size(), 3u);
    EXPECT_EQ(mode.values.at(2), "heat");

    const auto& geo = m->find_property("GeoLocation")->data_type;
    EXPECT_EQ(geo.kind, DataKind::Struct);
    ASSERT_EQ(geo.fields.size(), 4u);
    EXPECT_EQ(geo.fields[0].identifier, "Longitude");
    EXPECT_EQ(geo.fields[0].name, "经度");
    EXPECT_EQ(geo.fields[0].data_type.min, -180.0);
    EXPECT_EQ(geo.fields[2].data_type.kind, DataKind::Enum);
    EXPECT_EQ(geo.fields[3].data_type.kind, DataKind::Array);
    ASSERT_TRUE(geo.fields[3].data_type.item);
    EXPECT_EQ(geo.fields[3].data_type.item->kind, DataKind::Int);

    const auto& readings = m->find_property("Readings")->data_type;
    EXPECT_EQ(readings.kind, DataKind::Array);
    EXPECT_EQ(readings.size, 3u);
    ASSERT_TRUE(readings.item);
    EXPECT_EQ(readings.item->kind, DataKind::Int);
    EXPECT_EQ(readings.item->max, 10.0);

    const auto& points = m->find_property("Points")->data_type;
    EXPECT_EQ(points.size, 5u);
    ASSERT_TRUE(points.item);
    EXPECT_EQ(points.item->kind, DataKind::Struct);
    ASSERT_EQ(points.item->fields.size(), 2u);
    EXPECT_EQ(points.item->fields[1].identifier, "y");

    // Built-ins are implied, not stored.
    ASSERT_EQ(m->events.size(), 2u);
    EXPECT_EQ(m->find_event("post"), nullptr);
    const Event* err = m->find_event("HardwareError");
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(err->name, "故障上报");
    EXPECT_EQ(err->type, EventType::Error);
    EXPECT_EQ(err->method, "thing.event.HardwareError.post");
    ASSERT_EQ(err->output.size(), 2u);
    EXPECT_EQ(err->output[1].data_type.length, 64u);
    const Event* beat = m->find_event("Heartbeat");
    ASSERT_NE(beat, nullptr);
    EXPECT_EQ(beat->type, EventType::Info);
    EXPECT_EQ(beat->method, "thing.event.Heartbeat.post");
    EXPECT_TRUE(beat->output.empty());

    ASSERT_EQ(m->services.size(), 2u);
    EXPECT_EQ(m->find_service("set"), nullptr);
    EXPECT_EQ(m->find_service("get"), nullptr);
    const Service* reboot = m->find_service("Reboot");
    ASSERT_NE(reboot, nullptr);
    EXPECT_EQ(reboot->name, "重启");
    EXPECT_EQ(reboot->call_type, CallType::Async);
    EXPECT_EQ(reboot->method, "thing.service.Reboot");
    ASSERT_EQ(reboot->input.size(), 1u);
    EXPECT_EQ(reboot->input[0].data_type.max, 3600.0);
    ASSERT_EQ(reboot->output.size(), 1u);
    EXPECT_EQ(reboot->output[0].data_type.kind, DataKind::Bool);
    const Service* cal = m->find_service("Calibrate");
    ASSERT_NE(cal, nullptr);
    EXPECT_EQ(cal->call_type, CallType::Sync);
    EXPECT_EQ(cal->desc, "zero point");
    EXPECT_EQ(cal->method, "thing.service.Calibrate");
}

TEST(TslParse, DefaultsAndEmptyDocument) {
    auto empty = parse_ok("{}");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->properties.empty());
    EXPECT_TRUE(empty->events.empty());
    EXPECT_TRUE(empty->services.empty());

    auto m = parse_ok(R"({"properties":[{"identifier":"t","dataType":{"type":"text"}},
                                        {"identifier":"i","dataType":{"type":"int"}},
                                        {"identifier":"d","dataType":{"type":"date"}}]})");
    ASSERT_TRUE(m);
    const Property* t = m->find_property("t");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->name, "t");  // Alibaba requires a name; without one the identifier stands in
    EXPECT_EQ(t->access_mode, AccessMode::ReadWrite);
    EXPECT_EQ(t->data_type.length, 10240u);
    const auto& i = m->find_property("i")->data_type;
    EXPECT_FALSE(i.min || i.max || i.step);
}

TEST(TslParse, NumbersAsStringsOrJsonNumbers) {
    auto m =
        parse_ok(with_type(R"({"type":"double","specs":{"min":-1.5,"max":"2.5e3","step":"0.5"}})"));
    ASSERT_TRUE(m);
    const auto& t = m->find_property("p")->data_type;
    EXPECT_EQ(t.min, -1.5);
    EXPECT_EQ(t.max, 2500.0);
    EXPECT_EQ(t.step, 0.5);
    // An int bound written "1.0" is still a whole number.
    EXPECT_TRUE(parse_ok(with_type(R"({"type":"int","specs":{"min":"1.0","max":2}})")));
    // A constant (min == max) may still carry a step.
    EXPECT_TRUE(parse_ok(with_type(R"({"type":"int","specs":{"min":"5","max":"5","step":"1"}})")));
    EXPECT_TRUE(
        parse_ok(with_type(R"({"type":"int","specs":{"min":"-2147483648","max":"2147483647"}})")));
    EXPECT_TRUE(parse_ok(with_type(R"({"type":"text","specs":{"length":10240}})")));
    EXPECT_TRUE(
        parse_ok(with_type(R"({"type":"array","specs":{"size":"512","item":{"type":"text"}}})")));
}

TEST(TslParse, DocumentErrors) {
    const TslError bad = parse_error("{\"properties\": [");
    EXPECT_EQ(bad.path, "");
    EXPECT_EQ(bad.message.rfind("is not valid JSON: ", 0), 0u) << bad.message;
    for (const char* text : {"", "x", "{}}", "{\"a\":1,}", "[1e999]"}) {
        const TslError e = parse_error(text);
        EXPECT_EQ(e.path, "") << text;
        EXPECT_EQ(e.message.rfind("is not valid JSON: ", 0), 0u) << e.message;
    }
    EXPECT_TSL_ERROR("[]", "", "must be a JSON object");
    EXPECT_TSL_ERROR("\"tsl\"", "", "must be a JSON object");
    EXPECT_TSL_ERROR(R"({"schema":1})", "schema", "must be a string");
    EXPECT_TSL_ERROR(R"({"profile":[]})", "profile", "must be an object");
    EXPECT_TSL_ERROR(R"({"profile":{"productKey":5}})", "profile.productKey", "must be a string");
    EXPECT_TSL_ERROR(R"({"functionBlockId":"a-b"})", "functionBlockId",
                     "must be 1 to 30 letters, digits or underscores");
    EXPECT_TSL_ERROR(R"({"functionBlockId":""})", "functionBlockId",
                     "must be 1 to 30 letters, digits or underscores");
    EXPECT_TSL_ERROR(R"({"functionBlockId":3})", "functionBlockId", "must be a string");
    EXPECT_TSL_ERROR(R"({"properties":{}})", "properties", "must be an array");
    EXPECT_TSL_ERROR(R"({"events":"x"})", "events", "must be an array");
    EXPECT_TSL_ERROR(R"({"services":null})", "services", "must be an array");
    EXPECT_TSL_ERROR(R"({"properties":[5]})", "properties[0]", "must be an object");
}

TEST(TslParse, NestingIsLimitedBeforeParsing) {
    const std::string deep = std::string(65, '[') + std::string(65, ']');
    EXPECT_TSL_ERROR(deep, "", "is nested deeper than 64 levels");
    // Unbalanced and unterminated: still stopped by the count, not the parser.
    EXPECT_TSL_ERROR(std::string(100000, '{'), "", "is nested deeper than 64 levels");
    // 64 levels are fine (an unknown key is tolerated), brackets in strings do not count.
    const std::string ok = R"({"x":)" + std::string(63, '[') + std::string(63, ']') +
                           R"(,"desc":")" + std::string(1000, '[') + R"(\"{"})";
    EXPECT_TRUE(parse_ok(ok));
}

TEST(TslParse, NotUtf8IsNotJson) {
    const TslError e = parse_error("{\"properties\":[{\"identifier\":\"\xff\xfe\"}]}");
    EXPECT_EQ(e.path, "");
    EXPECT_EQ(e.message.rfind("is not valid JSON: ", 0), 0u);
    for (char c : e.message) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << e.message;
}

TEST(TslParse, LongStringsAreReadAndQuotedShort) {
    const std::string big(1 << 20, 'a');
    auto m = parse_ok(R"({"properties":[{"identifier":"p","desc":")" + big +
                      R"(","dataType":{"type":"text"}}]})");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->properties[0].desc.size(), big.size());

    const TslError id = parse_error(R"({"properties":[{"identifier":")" + big + R"("}]})");
    EXPECT_EQ(id.path, "properties[0].identifier");
    EXPECT_EQ(id.message, "must be 1 to 50 letters, digits or underscores");

    const TslError type = parse_error(with_type(R"({"type":")" + big + R"("})"));
    EXPECT_EQ(type.path, "properties[1].dataType.type");
    EXPECT_LT(type.message.size(), 200u);

    const TslError key =
        parse_error(with_type(R"({"type":"enum","specs":{"x)" + big + R"(":"a"}})"));
    EXPECT_LT(key.path.size(), 120u);
    EXPECT_EQ(key.path.rfind("properties[1].dataType.specs[\"xaaa", 0), 0u) << key.path;
    EXPECT_EQ(key.path.substr(key.path.size() - 5), "...\"]") << key.path;
}

TEST(TslParse, IdentifierRules) {
    EXPECT_TSL_ERROR(R"({"properties":[{"name":"x","dataType":{"type":"int"}}]})",
                     "properties[0].identifier", "is required");
    EXPECT_TSL_ERROR(R"({"properties":[{"identifier":7}]})", "properties[0].identifier",
                     "must be a string");
    for (const char* id : {"", "a-b", "a b", "a:b", "温度"}) {
        EXPECT_TSL_ERROR(R"({"properties":[{"identifier":")" + std::string(id) + R"("}]})",
                         "properties[0].identifier",
                         "must be 1 to 50 letters, digits or underscores");
    }
    const std::string fifty(50, 'x');
    EXPECT_TRUE(parse_ok(R"({"properties":[{"identifier":")" + fifty +
                         R"(","dataType":{"type":"int"}}]})"));
    EXPECT_TSL_ERROR(R"({"properties":[{"identifier":")" + fifty + R"(x"}]})",
                     "properties[0].identifier", "must be 1 to 50 letters, digits or underscores");
    EXPECT_TSL_ERROR(R"({"properties":[{"identifier":"ok","dataType":{"type":"int"}},)"
                     R"({"identifier":"ok","dataType":{"type":"int"}}]})",
                     "properties[1].identifier",
                     R"(duplicate identifier "ok", first used at properties[0])");
    EXPECT_TSL_ERROR(R"({"events":[{"identifier":"e"},{"identifier":"post"},{"identifier":"e"}]})",
                     "events[2].identifier",
                     R"(duplicate identifier "e", first used at events[0])");
    EXPECT_TSL_ERROR(R"({"services":[{"identifier":"s"},{"identifier":"s"}]})",
                     "services[1].identifier",
                     R"(duplicate identifier "s", first used at services[0])");
    // The same identifier in different lists is fine.
    EXPECT_TRUE(parse_ok(R"({"properties":[{"identifier":"x","dataType":{"type":"int"}}],
                            "events":[{"identifier":"x"}],"services":[{"identifier":"x"}]})"));
    EXPECT_TSL_ERROR(R"({"events":[{"identifier":"property"}]})", "events[0].identifier",
                     R"("property" is reserved)");
    EXPECT_TSL_ERROR(R"({"services":[{"identifier":"property"}]})", "services[0].identifier",
                     R"("property" is reserved)");
}

TEST(TslParse, BuiltinsAreSkippedWhateverTheyHold) {
    auto m = parse_ok(R"({"events":[{"identifier":"post","outputData":5}],
                          "services":[{"identifier":"get","inputData":["a","b"]},
                                      {"identifier":"set","callType":"never"}]})");
    ASSERT_TRUE(m);
    EXPECT_TRUE(m->events.empty());
    EXPECT_TRUE(m->services.empty());
    // Only in their own list: a property may be called "post" or "set".
    auto p = parse_ok(R"({"properties":[{"identifier":"post","dataType":{"type":"int"}},
                                        {"identifier":"set","dataType":{"type":"int"}}]})");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->properties.size(), 2u);
}

TEST(TslParse, PropertyFields) {
    const std::string head = R"({"properties":[{"identifier":"p",)";
    const std::string type = R"("dataType":{"type":"int"}}]})";
    EXPECT_TSL_ERROR(head + R"("name":5,)" + type, "properties[0].name", "must be a string");
    EXPECT_TSL_ERROR(head + R"("accessMode":"w",)" + type, "properties[0].accessMode",
                     R"(must be "r" or "rw")");
    EXPECT_TSL_ERROR(head + R"("accessMode":1,)" + type, "properties[0].accessMode",
                     R"(must be "r" or "rw")");
    EXPECT_TSL_ERROR(head + R"("required":"yes",)" + type, "properties[0].required",
                     "must be true or false");
    EXPECT_TSL_ERROR(head + R"("desc":[],)" + type, "properties[0].desc", "must be a string");
    EXPECT_TSL_ERROR(R"({"properties":[{"identifier":"p"}]})", "properties[0].dataType",
                     "is required");
    EXPECT_TSL_ERROR(with_type(R"("int")"), "properties[1].dataType", "must be an object");
    EXPECT_TSL_ERROR(with_type(R"({"specs":{}})"), "properties[1].dataType.type", "is required");
    EXPECT_TSL_ERROR(with_type(R"({"type":5})"), "properties[1].dataType.type", "must be a string");
    EXPECT_TSL_ERROR(with_type(R"({"type":"integer"})"), "properties[1].dataType.type",
                     R"(unknown type "integer"; expected int, float, double, text, date, bool, )"
                     R"(enum, struct or array)");
    EXPECT_TSL_ERROR(with_type(R"({"type":"INT"})"), "properties[1].dataType.type",
                     R"(unknown type "INT"; expected int, float, double, text, date, bool, )"
                     R"(enum, struct or array)");
}

TEST(TslParse, NumericSpecs) {
    const std::string specs = "properties[1].dataType.specs";
    const char* hint = R"(must be a number in a string, e.g. "100")";
    const char* int32 = "must be an integer from -2147483648 to 2147483647";
    EXPECT_TSL_ERROR(with_type(R"({"type":"int","specs":[]})"), specs, "must be an object");
    for (const char* bad : {R"("abc")", R"("")", R"(".5")", R"("5.")", R"("0x10")", R"("1e999")",
                            R"(" 1")", R"("+1")", R"("inf")", R"("nan")", "true", "null", "[]"}) {
        SCOPED_TRACE(bad);
        EXPECT_TSL_ERROR(with_type(R"({"type":"float","specs":{"min":)" + std::string(bad) + "}}"),
                         specs + ".min", hint);
    }
    EXPECT_TSL_ERROR(with_type(R"({"type":"int","specs":{"min":"0","max":"abc"}})"), specs + ".max",
                     hint);
    EXPECT_TSL_ERROR(with_type(R"({"type":"int","specs":{"min":"1.5"}})"), specs + ".min", int32);
    EXPECT_TSL_ERROR(with_type(R"({"type":"int","specs":{"max":"2147483648"}})"), specs + ".max",
                     int32);
    EXPECT_TSL_ERROR(with_type(R"({"type":"int","specs":{"min":-2147483649}})"), specs + ".min",
                     int32);
    EXPECT_TSL_ERROR(with_type(R"({"type":"int","specs":{"min":"10","max":"0"}})"), specs + ".max",
                     "must not be less than min");
    EXPECT_TSL_ERROR(with_type(R"({"type":"double","specs":{"min":"0.5","max":"0.25"}})"),
                     specs + ".max", "must not be less than min");
    EXPECT_TSL_ERROR(with_type(R"({"type":"float","specs":{"step":"x"}})"), specs + ".step", hint);
    EXPECT_TSL_ERROR(with_type(R"({"type":"float","specs":{"step":"0"}})"), specs + ".step",
                     "must be greater than 0");
    EXPECT_TSL_ERROR(with_type(R"({"type":"float","specs":{"step":"-1"}})"), specs + ".step",
                     "must be greater than 0");
    EXPECT_TSL_ERROR(with_type(R"({"type":"int","specs":{"step":"0.5"}})"), specs + ".step", int32);
    EXPECT_TSL_ERROR(with_type(R"({"type":"int","specs":{"min":"0","max":"10","step":"11"}})"),
                     specs + ".step", "must not be greater than max - min");
    EXPECT_TSL_ERROR(with_type(R"({"type":"double","specs":{"unit":5}})"), specs + ".unit",
                     "must be a string");
    EXPECT_TSL_ERROR(with_type(R"({"type":"double","specs":{"unitName":{}}})"), specs + ".unitName",
                     "must be a string");
}

TEST(TslParse, NumberThatIsNotFiniteFromAJsonValue) {
    json doc = json::parse(with_type(R"({"type":"float","specs":{}})"));
    doc["properties"][1]["dataType"]["specs"]["min"] = std::numeric_limits<double>::quiet_NaN();
    auto m = parse_thing_model(doc);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().path, "properties[1].dataType.specs.min");
}

TEST(TslParse, InvalidUtf8InAJsonValueIsQuotedSafely) {
    json doc = json::parse(with_type(R"({"type":"x"})"));
    doc["properties"][1]["dataType"]["type"] = "\xff\xfe";
    auto m = parse_thing_model(doc);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().path, "properties[1].dataType.type");
    EXPECT_EQ(m.error().message.rfind(R"(unknown type "\ufffd\ufffd")", 0), 0u)
        << m.error().message;
}

TEST(TslParse, TextAndDateSpecs) {
    const std::string specs = "properties[1].dataType.specs";
    const char* len = "must be an integer from 1 to 10240";
    EXPECT_TSL_ERROR(with_type(R"({"type":"text","specs":5})"), specs, "must be an object");
    for (const char* bad : {R"("0")", R"("10241")", "0", "-1", R"("12.5")", R"("abc")", "true"}) {
        SCOPED_TRACE(bad);
        EXPECT_TSL_ERROR(
            with_type(R"({"type":"text","specs":{"length":)" + std::string(bad) + "}}"),
            specs + ".length", len);
    }
    EXPECT_TSL_ERROR(with_type(R"({"type":"date","specs":[]})"), specs, "must be an object");
    EXPECT_TRUE(parse_ok(with_type(R"({"type":"date"})")));
}

TEST(TslParse, BoolSpecs) {
    const std::string specs = "properties[1].dataType.specs";
    EXPECT_TSL_ERROR(with_type(R"({"type":"bool"})"), specs, "is required");
    EXPECT_TSL_ERROR(with_type(R"({"type":"bool","specs":[]})"), specs, "must be an object");
    EXPECT_TSL_ERROR(with_type(R"({"type":"bool","specs":{}})"), specs,
                     R"(must have the keys "0" and "1")");
    EXPECT_TSL_ERROR(with_type(R"({"type":"bool","specs":{"0":"off"}})"), specs,
                     R"(must have the keys "0" and "1")");
    EXPECT_TSL_ERROR(with_type(R"({"type":"bool","specs":{"0":"off","1":"on","2":"?"}})"),
                     specs + ".2", R"(bool specs may only have the keys "0" and "1")");
    EXPECT_TSL_ERROR(with_type(R"({"type":"bool","specs":{"0":0,"1":"on"}})"), specs + ".0",
                     "must be a string");
}

TEST(TslParse, EnumSpecs) {
    const std::string specs = "properties[1].dataType.specs";
    const char* keys = "enum keys must be decimal integers from -2147483648 to 2147483647";
    EXPECT_TSL_ERROR(with_type(R"({"type":"enum"})"), specs, "is required");
    EXPECT_TSL_ERROR(with_type(R"({"type":"enum","specs":["a"]})"), specs, "must be an object");
    EXPECT_TSL_ERROR(with_type(R"({"type":"enum","specs":{}})"), specs,
                     "must have at least one value");
    EXPECT_TSL_ERROR(with_type(R"({"type":"enum","specs":{"a":"x"}})"), specs + ".a", keys);
    EXPECT_TSL_ERROR(with_type(R"({"type":"enum","specs":{"01":"x"}})"), specs + ".01", keys);
    EXPECT_TSL_ERROR(with_type(R"({"type":"enum","specs":{"-0":"x"}})"), specs + "[\"-0\"]", keys);
    EXPECT_TSL_ERROR(with_type(R"({"type":"enum","specs":{"1.5":"x"}})"), specs + "[\"1.5\"]",
                     keys);
    EXPECT_TSL_ERROR(with_type(R"({"type":"enum","specs":{"2147483648":"x"}})"),
                     specs + ".2147483648", keys);
    EXPECT_TSL_ERROR(with_type(R"({"type":"enum","specs":{"":"x"}})"), specs + "[\"\"]", keys);
    EXPECT_TSL_ERROR(with_type(R"({"type":"enum","specs":{"1":2}})"), specs + ".1",
                     "must be a string");
    auto m = parse_ok(with_type(R"({"type":"enum","specs":{"-3":"neg","0":"zero"}})"));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->find_property("p")->data_type.values.at(-3), "neg");
}

TEST(TslParse, StructSpecs) {
    const std::string specs = "properties[1].dataType.specs";
    EXPECT_TSL_ERROR(with_type(R"({"type":"struct"})"), specs, "is required");
    EXPECT_TSL_ERROR(with_type(R"({"type":"struct","specs":{}})"), specs, "must be an array");
    EXPECT_TSL_ERROR(with_type(R"({"type":"struct","specs":[]})"), specs,
                     "must have at least one member");
    EXPECT_TSL_ERROR(with_type(R"({"type":"struct","specs":[5]})"), specs + "[0]",
                     "must be an object");
    EXPECT_TSL_ERROR(with_type(R"({"type":"struct","specs":[{"name":"a"}]})"),
                     specs + "[0].identifier", "is required");
    EXPECT_TSL_ERROR(with_type(R"({"type":"struct","specs":[{"identifier":"a"}]})"),
                     specs + "[0].dataType", "is required");
    EXPECT_TSL_ERROR(
        with_type(R"({"type":"struct","specs":[{"identifier":"a","dataType":{"type":"int"}},)"
                  R"({"identifier":"a","dataType":{"type":"int"}}]})"),
        specs + "[1].identifier",
        R"(duplicate identifier "a", first used at properties[1].dataType.specs[0])");
    EXPECT_TSL_ERROR(
        with_type(R"({"type":"struct","specs":[{"identifier":"a","dataType":{"type":"int",)"
                  R"("specs":{"min":"x"}}}]})"),
        specs + "[0].dataType.specs.min", R"(must be a number in a string, e.g. "100")");
    EXPECT_TSL_ERROR(
        with_type(R"({"type":"struct","specs":[{"identifier":"a","dataType":{"type":"struct",)"
                  R"("specs":[{"identifier":"b","dataType":{"type":"int"}}]}}]})"),
        specs + "[0].dataType.type", "a struct member cannot be a struct");
    EXPECT_TSL_ERROR(
        with_type(R"({"type":"struct","specs":[{"identifier":"a","dataType":{"type":"array",)"
                  R"("specs":{"size":2,"item":{"type":"struct","specs":[]}}}}]})"),
        specs + "[0].dataType.specs.item.type", "an array inside a struct cannot hold structs");
}

TEST(TslParse, ArraySpecs) {
    const std::string specs = "properties[1].dataType.specs";
    EXPECT_TSL_ERROR(with_type(R"({"type":"array"})"), specs, "is required");
    EXPECT_TSL_ERROR(with_type(R"({"type":"array","specs":[]})"), specs, "must be an object");
    EXPECT_TSL_ERROR(with_type(R"({"type":"array","specs":{"item":{"type":"int"}}})"),
                     specs + ".size", "is required");
    for (const char* bad : {R"("0")", "513", R"("1.5")", R"("ten")", "-1"}) {
        SCOPED_TRACE(bad);
        EXPECT_TSL_ERROR(with_type(R"({"type":"array","specs":{"size":)" + std::string(bad) +
                                   R"(,"item":{"type":"int"}}})"),
                         specs + ".size", "must be an integer from 1 to 512");
    }
    EXPECT_TSL_ERROR(with_type(R"({"type":"array","specs":{"size":"2"}})"), specs + ".item",
                     "is required");
    EXPECT_TSL_ERROR(with_type(R"({"type":"array","specs":{"size":"2","item":"int"}})"),
                     specs + ".item", "must be an object");
    for (const char* kind : {"array", "bool", "enum", "date"}) {
        SCOPED_TRACE(kind);
        EXPECT_TSL_ERROR(with_type(R"({"type":"array","specs":{"size":"2","item":{"type":")" +
                                   std::string(kind) + R"("}}})"),
                         specs + ".item.type",
                         "array items must be int, float, double, text or struct");
    }
    EXPECT_TSL_ERROR(with_type(R"({"type":"array","specs":{"size":"2","item":{"type":"text",)"
                               R"("specs":{"length":"0"}}}})"),
                     specs + ".item.specs.length", "must be an integer from 1 to 10240");
    EXPECT_TSL_ERROR(
        with_type(R"({"type":"array","specs":{"size":"2","item":{"type":"struct","specs":[)"
                  R"({"identifier":"s","dataType":{"type":"struct","specs":[]}}]}}})"),
        specs + ".item.specs[0].dataType.type", "a struct member cannot be a struct");
}

TEST(TslParse, Events) {
    EXPECT_TSL_ERROR(R"({"events":[{"identifier":"e","type":"warn"}]})", "events[0].type",
                     R"(must be "info", "alert" or "error")");
    EXPECT_TSL_ERROR(R"({"events":[{"identifier":"e","name":1}]})", "events[0].name",
                     "must be a string");
    EXPECT_TSL_ERROR(R"({"events":[{"identifier":"e","required":1}]})", "events[0].required",
                     "must be true or false");
    EXPECT_TSL_ERROR(R"({"events":[{"identifier":"e","desc":1}]})", "events[0].desc",
                     "must be a string");
    EXPECT_TSL_ERROR(R"({"events":[{"identifier":"e","method":"thing.event.x.post"}]})",
                     "events[0].method", R"(must be "thing.event.e.post")");
    EXPECT_TSL_ERROR(R"({"events":[{"identifier":"e","method":5}]})", "events[0].method",
                     "must be a string");
    EXPECT_TSL_ERROR(R"({"events":[{"identifier":"e","outputData":{}}]})", "events[0].outputData",
                     "must be an array");
    EXPECT_TSL_ERROR(
        R"({"events":[{"identifier":"post"},{"identifier":"e","outputData":[)"
        R"({"identifier":"a","dataType":{"type":"int"}},{"identifier":"b","dataType":{"type":"?"}}]}]})",
        "events[1].outputData[1].dataType.type",
        R"(unknown type "?"; expected int, float, double, text, date, bool, enum, struct or array)");
    auto m = parse_ok(
        R"({"events":[{"identifier":"a","type":"alert"},{"identifier":"b","type":"error"}]})");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->find_event("a")->type, EventType::Alert);
    EXPECT_EQ(m->find_event("b")->type, EventType::Error);
}

TEST(TslParse, Services) {
    EXPECT_TSL_ERROR(R"({"services":[{"identifier":"s","callType":"later"}]})",
                     "services[0].callType", R"(must be "async" or "sync")");
    EXPECT_TSL_ERROR(R"({"services":[{"identifier":"s","method":"thing.service.s.call"}]})",
                     "services[0].method", R"(must be "thing.service.s")");
    EXPECT_TSL_ERROR(R"({"services":[{"identifier":"s","inputData":5}]})", "services[0].inputData",
                     "must be an array");
    EXPECT_TSL_ERROR(R"({"services":[{"identifier":"s","inputData":["a"]}]})",
                     "services[0].inputData[0]", "must be an object");
    EXPECT_TSL_ERROR(
        R"({"services":[{"identifier":"set"},{"identifier":"get"},{"identifier":"s","inputData":[)"
        R"({"identifier":"a","dataType":{"type":"int"}},{"identifier":"a","dataType":{"type":"int"}}]}]})",
        "services[2].inputData[1].identifier",
        R"(duplicate identifier "a", first used at services[2].inputData[0])");
    EXPECT_TSL_ERROR(
        R"({"services":[{"identifier":"s","outputData":[{"identifier":"a","dataType":{"type":"bool"}}]}]})",
        "services[0].outputData[0].dataType.specs", "is required");
}

TEST(TslParse, AtMostAThousandOfEach) {
    auto list = [](std::size_t n, const char* extra) {
        std::string s = "[";
        for (std::size_t i = 0; i < n; ++i) {
            if (i) s += ",";
            s += R"({"identifier":"i)" + std::to_string(i) + R"(",)" + extra + "}";
        }
        return s + "]";
    };
    const char* type = R"("dataType":{"type":"int"})";
    EXPECT_TRUE(parse_ok(R"({"properties":)" + list(1000, type) + "}"));
    EXPECT_TSL_ERROR(R"({"properties":)" + list(1001, type) + "}", "properties",
                     "must not have more than 1000 properties (built-ins not counted)");
    EXPECT_TSL_ERROR(R"({"events":)" + list(1001, R"("type":"info")") + "}", "events",
                     "must not have more than 1000 events (built-ins not counted)");
    // Built-ins do not count: Alibaba's export of 1000 services has 1002 entries.
    std::string services = list(1000, R"("callType":"async")");
    services.insert(1, R"({"identifier":"set"},{"identifier":"get"},)");
    EXPECT_TRUE(parse_ok(R"({"services":)" + services + "}"));
}

TEST(TslParse, FunctionBlockPrefixesIdentifiers) {
    auto m = parse_ok(R"({"functionBlockId":"blk_1","functionBlockName":"Block",
        "properties":[{"identifier":"temp","dataType":{"type":"float"}}],
        "events":[{"identifier":"post"},{"identifier":"alarm","method":"thing.event.alarm.post"},
                  {"identifier":"gone","method":"thing.event.blk_1:gone.post"}],
        "services":[{"identifier":"reset","method":"thing.service.blk_1:reset"},
                    {"identifier":"property"}]})");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->function_block_id, "blk_1");
    ASSERT_NE(m->find_property("blk_1:temp"), nullptr);
    EXPECT_EQ(m->find_property("temp"), nullptr);
    EXPECT_EQ(m->find_property("blk_1:temp")->name, "temp");
    ASSERT_NE(m->find_event("blk_1:alarm"), nullptr);
    EXPECT_EQ(m->find_event("blk_1:alarm")->method, "thing.event.blk_1:alarm.post");
    EXPECT_EQ(m->find_event("blk_1:gone")->method, "thing.event.blk_1:gone.post");
    ASSERT_NE(m->find_service("blk_1:reset"), nullptr);
    EXPECT_EQ(m->find_service("blk_1:reset")->method, "thing.service.blk_1:reset");
    // "property" is not ambiguous once prefixed.
    EXPECT_NE(m->find_service("blk_1:property"), nullptr);

    EXPECT_TSL_ERROR(R"({"functionBlockId":"b","events":[{"identifier":"e",)"
                     R"("method":"thing.event.c:e.post"}]})",
                     "events[0].method", R"(must be "thing.event.b:e.post")");
}

TEST(TslParse, JsonOverloadMatchesTextOverload) {
    const json doc = json::parse(kFullTsl);
    auto a = parse_thing_model(doc);
    auto b = parse_thing_model(kFullTsl);
    ASSERT_TRUE(a && b);
    test::expect_same(**a, **b);
    auto bad = parse_thing_model(json::array());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().path, "");
}

}  // namespace
}  // namespace ts::thing
