#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "thing/thing_model.hpp"
#include "tsl_test_util.hpp"

namespace ts::thing {
namespace {

using nlohmann::json;

class ValueValidation : public ::testing::Test {
protected:
    void SetUp() override {
        model_ = test::parse_ok(R"({"properties":[
          {"identifier":"level","dataType":{"type":"int","specs":{"min":"0","max":"100","step":"5"}}},
          {"identifier":"count","dataType":{"type":"int"}},
          {"identifier":"big","dataType":{"type":"int","specs":{"min":"1000000000"}}},
          {"identifier":"temp","dataType":{"type":"float","specs":{"min":"-40","max":"120.5"}}},
          {"identifier":"ratio","dataType":{"type":"float"}},
          {"identifier":"energy","dataType":{"type":"double","specs":{"min":"0"}}},
          {"identifier":"on","dataType":{"type":"bool","specs":{"0":"off","1":"on"}}},
          {"identifier":"mode","dataType":{"type":"enum","specs":{"0":"a","1":"b","7":"c"}}},
          {"identifier":"label","dataType":{"type":"text","specs":{"length":"5"}}},
          {"identifier":"since","dataType":{"type":"date"}},
          {"identifier":"pos","dataType":{"type":"struct","specs":[
            {"identifier":"lat","dataType":{"type":"double","specs":{"min":"-90","max":"90"}}},
            {"identifier":"tags","dataType":{"type":"array","specs":{"size":2,"item":{"type":"text"}}}}]}},
          {"identifier":"list","dataType":{"type":"array",
            "specs":{"size":"3","item":{"type":"int","specs":{"min":"0","max":"10"}}}}},
          {"identifier":"points","dataType":{"type":"array","specs":{"size":"4","item":{"type":"struct",
            "specs":[{"identifier":"x","dataType":{"type":"float"}}]}}}}],
          "events":[{"identifier":"alarm","outputData":[
            {"identifier":"code","dataType":{"type":"int","specs":{"min":"0","max":"9"}}},
            {"identifier":"text","dataType":{"type":"text"}}]}]})");
        ASSERT_TRUE(model_);
    }

    std::optional<ValueError> check(const char* id, const json& value) const {
        const Property* p = model_->find_property(id);
        EXPECT_NE(p, nullptr) << id;
        return p ? validate_value(p->data_type, value, id) : std::nullopt;
    }

    void ok(const char* id, const json& value) const {
        auto e = check(id, value);
        EXPECT_FALSE(e) << id << " = " << value.dump() << ": " << e->message;
    }

    void bad(const char* id, const json& value, int code, const std::string& message) const {
        auto e = check(id, value);
        ASSERT_TRUE(e) << id << " = " << value.dump() << " passed";
        EXPECT_EQ(e->code, code) << value.dump();
        EXPECT_EQ(e->message, message) << value.dump();
    }

    ThingModelPtr model_;
};

TEST_F(ValueValidation, Int) {
    ok("level", 0);
    ok("level", 100);
    ok("level", 42);  // not a multiple of step 5: Alibaba does not enforce the step
    ok("count", std::numeric_limits<std::int32_t>::min());
    ok("count", std::numeric_limits<std::int32_t>::max());
    ok("count", json::parse("7"));  // parsed non-negative ints are unsigned in nlohmann
    bad("level", 101, 6306, "tsl parse: value out of range 0..100 -> level");
    bad("level", -1, 6306, "tsl parse: value out of range 0..100 -> level");
    bad("count", std::int64_t{1} << 40, 6306,
        "tsl parse: value out of range -2147483648..2147483647 -> count");
    bad("count", json::parse("18446744073709551615"), 6306,
        "tsl parse: value out of range -2147483648..2147483647 -> count");
    bad("big", 5, 6306, "tsl parse: value out of range 1000000000..2147483647 -> big");
    for (const json& v : {json(1.0), json(1.5), json("5"), json(true), json(nullptr),
                          json::array({1}), json::object()}) {
        bad("level", v, 6306, "tsl parse: data type is not int -> level");
    }
}

TEST_F(ValueValidation, FloatAndDouble) {
    ok("temp", 21.5);
    ok("temp", 21);  // a whole number is a number
    ok("temp", -40);
    ok("temp", 120.5);
    ok("ratio", 3.4e38);
    ok("energy", 1e300);
    bad("temp", 120.6, 6307, "tsl parse: value out of range -40..120.5 -> temp");
    bad("temp", -41, 6307, "tsl parse: value out of range -40..120.5 -> temp");
    bad("energy", -0.5, 6307, "tsl parse: value out of range 0.. -> energy");
    bad("ratio", 1e39, 6307, "tsl parse: value out of range of float -> ratio");
    bad("temp", "21.5", 6307, "tsl parse: data type is not float -> temp");
    bad("temp", false, 6307, "tsl parse: data type is not float -> temp");
    bad("energy", json::object(), 6307, "tsl parse: data type is not double -> energy");
    bad("energy", std::numeric_limits<double>::quiet_NaN(), 6307,
        "tsl parse: data type is not double -> energy");
    bad("energy", std::numeric_limits<double>::infinity(), 6307,
        "tsl parse: data type is not double -> energy");
}

TEST_F(ValueValidation, Bool) {
    ok("on", 0);
    ok("on", 1);
    ok("on", true);
    ok("on", false);
    bad("on", 2, 6308, "tsl parse: bool value must be 0 or 1 -> on");
    bad("on", -1, 6308, "tsl parse: bool value must be 0 or 1 -> on");
    bad("on", "1", 6308, "tsl parse: data type is not bool -> on");
    bad("on", 1.0, 6308, "tsl parse: data type is not bool -> on");
}

TEST_F(ValueValidation, Enum) {
    ok("mode", 0);
    ok("mode", 7);
    bad("mode", 2, 6309, "tsl parse: enum value not in specs -> mode");
    bad("mode", -1, 6309, "tsl parse: enum value not in specs -> mode");
    bad("mode", json::parse("18446744073709551615"), 6309,
        "tsl parse: enum value not in specs -> mode");
    bad("mode", "1", 6309, "tsl parse: data type is not enum -> mode");
    bad("mode", 1.0, 6309, "tsl parse: data type is not enum -> mode");
}

TEST_F(ValueValidation, Text) {
    ok("label", "");
    ok("label", "hello");
    ok("label", "héll");  // 5 bytes
    bad("label", "hello!", 6310, "tsl parse: text longer than 5 bytes -> label");
    bad("label", "héllo", 6310, "tsl parse: text longer than 5 bytes -> label");
    bad("label", 5, 6310, "tsl parse: data type is not string -> label");
    bad("label", nullptr, 6310, "tsl parse: data type is not string -> label");
    bad("label", "\xff", 6310, "tsl parse: text is not valid UTF-8 -> label");
    bad("label", "\xc0\xaf", 6310, "tsl parse: text is not valid UTF-8 -> label");      // overlong
    bad("label", "\xed\xa0\x80", 6310, "tsl parse: text is not valid UTF-8 -> label");  // surrogate
    bad("label", "a\xe2\x82", 6310, "tsl parse: text is not valid UTF-8 -> label");     // cut short
}

TEST_F(ValueValidation, Date) {
    ok("since", "1700000000000");
    ok("since", "0");
    ok("since", 1700000000000);
    ok("since", json::parse("1700000000000"));
    ok("since", "9223372036854775807");
    const std::string msg = "tsl parse: data type is not date, must be UTC milliseconds -> since";
    for (const json& v :
         {json(""), json("-1"), json("17e11"), json(" 1"), json("1.5"), json("9223372036854775808"),
          json(-1), json(1.5), json(true), json(nullptr), json::parse("18446744073709551615")}) {
        bad("since", v, 6311, msg);
    }
}

TEST_F(ValueValidation, Struct) {
    ok("pos", json::object());
    ok("pos", json::parse(R"({"lat":45.5,"tags":["a","b"]})"));
    bad("pos", json::parse(R"({"lat":1,"foo":1})"), 6312,
        "tsl parse: struct member not exist -> pos.foo");
    bad("pos", json::parse(R"({"lat":"x"})"), 6307,
        "tsl parse: data type is not double -> pos.lat");
    bad("pos", json::parse(R"({"lat":91})"), 6307,
        "tsl parse: value out of range -90..90 -> pos.lat");
    bad("pos", json::parse(R"({"tags":["a",1]})"), 6310,
        "tsl parse: data type is not string -> pos.tags[1]");
    bad("pos", json::parse(R"({"tags":["a","b","c"]})"), 6324,
        "tsl parse: array size larger than 2 -> pos.tags");
    bad("pos", json::array(), 6312, "tsl parse: data type is not struct -> pos");
    bad("pos", "{}", 6312, "tsl parse: data type is not struct -> pos");
}

TEST_F(ValueValidation, Array) {
    ok("list", json::array());
    ok("list", json::parse("[0,5,10]"));
    bad("list", json::parse("[1,2,3,4]"), 6324, "tsl parse: array size larger than 3 -> list");
    bad("list", json::parse(R"([1,"x"])"), 6306, "tsl parse: data type is not int -> list[1]");
    bad("list", json::parse("[1,2,11]"), 6306, "tsl parse: value out of range 0..10 -> list[2]");
    bad("list", json::object(), 6324, "tsl parse: data type is not array -> list");
    bad("list", 1, 6324, "tsl parse: data type is not array -> list");
    ok("points", json::parse(R"([{"x":1},{"x":2.5}])"));
    bad("points", json::parse(R"([{"x":1},{"z":1}])"), 6312,
        "tsl parse: struct member not exist -> points[1].z");
    bad("points", json::parse(R"([{"x":1},7])"), 6312,
        "tsl parse: data type is not struct -> points[1]");
}

TEST_F(ValueValidation, DeepValuesAreNotWalked) {
    json deep = json::array();
    for (int i = 0; i < 1000; ++i) deep = json::array({std::move(deep)});
    bad("list", deep, 6306, "tsl parse: data type is not int -> list[0]");
    bad("count", deep, 6306, "tsl parse: data type is not int -> count");
}

TEST_F(ValueValidation, Params) {
    const auto& params = model_->find_event("alarm")->output;
    EXPECT_FALSE(validate_params(params, json::object()));  // missing members are allowed
    EXPECT_FALSE(validate_params(params, json::parse(R"({"code":3,"text":"fan stall"})")));

    auto e = validate_params(params, json::array());
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 6300);
    EXPECT_EQ(e->message, "tsl parse: params must be an object");
    e = validate_params(params, json(5));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 6300);

    e = validate_params(params, json::parse(R"({"code":3,"nope":1})"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 6304);
    EXPECT_EQ(e->message, "tsl parse: params not exist -> nope");

    e = validate_params(params, json::parse(R"({"code":30})"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 6306);
    EXPECT_EQ(e->message, "tsl parse: value out of range 0..9 -> code");

    e = validate_params(params, json::parse(R"({"text":1})"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 6310);
    EXPECT_EQ(e->message, "tsl parse: data type is not string -> text");

    e = validate_params({}, json::parse(R"({"a":1})"));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 6304);
}

}  // namespace
}  // namespace ts::thing
