// The flat request parser: whatever it accepts must read exactly as the DOM
// parser reads it, and whatever it is unsure of it must leave to the DOM.
#include "thing/alink_flat.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace ts::thing {
namespace {

// Same id, params, method, version and ack as parse_alink_request, with the
// same JSON types (unsigned, signed, double) and the same text when dumped.
void expect_same_as_dom(std::string_view payload, const AlinkRequest& flat) {
    auto full = parse_alink_request(payload);
    ASSERT_TRUE(full) << payload;
    EXPECT_EQ(flat.id, full->id) << payload;
    EXPECT_EQ(flat.id.type(), full->id.type()) << payload;
    EXPECT_EQ(flat.id.dump(), full->id.dump()) << payload;
    EXPECT_EQ(flat.params, full->params) << payload;
    EXPECT_EQ(flat.params.dump(), full->params.dump()) << payload;
    if (flat.params.is_object() && full->params.is_object()) {
        for (auto it = flat.params.begin(); it != flat.params.end(); ++it)
            EXPECT_EQ(it->type(), full->params.at(it.key()).type()) << payload << " " << it.key();
    }
    EXPECT_EQ(flat.method, full->method) << payload;
    EXPECT_EQ(flat.version, full->version) << payload;
    EXPECT_EQ(flat.ack, full->ack) << payload;
}

void expect_flat(std::string_view payload) {
    auto flat = parse_flat_alink_request(payload);
    ASSERT_TRUE(flat) << payload;
    expect_same_as_dom(payload, *flat);
}

TEST(AlinkFlat, TakesTheRequestsSdksSend) {
    expect_flat(
        R"({"id":"123","version":"1.0","params":{"temperature":23.5},"method":"thing.event.property.post"})");
    expect_flat(
        R"({"id":"1","version":"1.0","sys":{"ack":0},"params":{"a":1,"b":-2,"c":"x y","d":true,"e":null},"method":"m"})");
    expect_flat(R"({"id":42,"params":{}})");
    expect_flat(R"({ "id" : "7" , "params" : { "Power" : 1 } })");
    expect_flat(R"({"params":{"s":"温度 ünïcode"}})");
    expect_flat(R"({})");
    auto r = parse_flat_alink_request(R"({"id":"9","sys":{"ack":0},"params":{"t":1}})");
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->ack);
    EXPECT_TRUE(r->body.is_null());  // nothing reads it for device requests
}

TEST(AlinkFlat, TypesNumbersAsTheDomDoes) {
    for (std::string n : {"0", "-0", "7", "-7", "1.0", "-0.0", "1e2", "1E-2", "0.1", "2.5e+3",
                          "9223372036854775807", "9223372036854775808", "18446744073709551615",
                          "-9223372036854775808", "4.9e-324", "2.2250738585072011e-308",
                          "1.7976931348623157e308", "123456789.123456789"}) {
        const std::string payload = R"({"id":)" + n + R"(,"params":{"v":)" + n + "}}";
        SCOPED_TRACE(payload);
        expect_flat(payload);
    }
}

TEST(AlinkFlat, LeavesEverythingElseToTheDom) {
    for (std::string_view payload : {
             R"({"params":{"a":{"value":1,"time":1700000000000}}})",  // value with a time
             R"({"params":{"a":[1,2]}})",                             // array value
             R"({"params":"{\"a\":1}"})",                             // params as text
             R"({"params":{"a":1,"a":2}})",                           // identifier twice
             R"({"id":"1","id":"2"})",                                // key twice
             R"({"id":"1","code":200})",                              // another key
             R"({"id":{"x":1}})",                                     // id not a scalar
             R"({"version":1})",                                      // version not text
             R"({"sys":{"ack":true}})",                               // ack not a number
             R"({"sys":{"ack":0,"other":1}})",                        // more than ack
             "{\"id\":\"1\",\n\"params\":{}}",                        // pretty-printed
             R"({"params":{"s":"a\"b"}})",                            // an escape
             R"({"params":{"v":18446744073709551616}})",              // beyond 64 bits
             R"({"params":{"v":1e400}})",                             // beyond a double
             R"({"params":{}} trailing)",                             // text after it
             R"({"params":{}} {})",                                   // a second object
             R"({"id":1}})",                                          // one brace too many
             R"({"params":{})",                                       // cut short
             R"([1,2])",                                              // not an object
             "",
             "not json",
             "{\"params\":{\"s\":\"\xff\"}}",  // not UTF-8
         }) {
        EXPECT_FALSE(parse_flat_alink_request(payload)) << payload;
        // The DOM path still decides (accepts or refuses with a reason).
        auto either = parse_device_request(payload);
        auto full = parse_alink_request(payload);
        EXPECT_EQ(either.has_value(), full.has_value()) << payload;
        if (either && full) {
            EXPECT_EQ(either->params, full->params) << payload;
        }
    }
}

// Random requests from fragments, some of them broken: whatever the flat
// parser accepts reads as the DOM reads it, and it accepts plenty.
TEST(AlinkFlat, RandomRequestsReadAsTheDomReadsThem) {
    const std::vector<std::string> keys = {"\"id\"",     "\"version\"", "\"method\"",
                                           "\"params\"", "\"sys\"",     "\"x\""};
    const std::vector<std::string> scalars = {"1",
                                              "-1",
                                              "0",
                                              "-0",
                                              "3.25",
                                              "-1e-3",
                                              "1E+2",
                                              "\"s\"",
                                              "\"\"",
                                              "\"ü\"",
                                              "true",
                                              "false",
                                              "null",
                                              "01",
                                              "1.",
                                              "-",
                                              "\"unterminated",
                                              "18446744073709551616",
                                              "9223372036854775808",
                                              "1e999",
                                              "[]",
                                              "{}",
                                              "tru"};
    std::mt19937 rng(20261127);
    auto pick = [&](const std::vector<std::string>& from) {
        return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(rng)];
    };
    auto chance = [&](int percent) {
        return std::uniform_int_distribution<int>(0, 99)(rng) < percent;
    };
    int accepted = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string s = "{";
        const int fields = std::uniform_int_distribution<int>(0, 5)(rng);
        for (int f = 0; f < fields; ++f) {
            if (f > 0) s += chance(97) ? "," : ",,";
            const std::string key = pick(keys);
            s += key + (chance(95) ? ":" : " ");
            if (key == "\"params\"" && chance(80)) {
                s += "{";
                const int n = std::uniform_int_distribution<int>(0, 4)(rng);
                for (int p = 0; p < n; ++p) {
                    if (p > 0) s += ",";
                    s += "\"p" + std::to_string(std::uniform_int_distribution<int>(0, 5)(rng)) +
                         "\":" + pick(scalars);
                }
                s += chance(97) ? "}" : "";
            } else if (key == "\"sys\"" && chance(80)) {
                s += "{\"ack\":" + pick(scalars) + "}";
            } else {
                s += pick(scalars);
            }
        }
        s += chance(97) ? "}" : "";
        if (chance(3)) s += pick({" x", " {}", "}", "{}"});
        if (auto flat = parse_flat_alink_request(s)) {
            ++accepted;
            expect_same_as_dom(s, *flat);
            if (testing::Test::HasFailure()) return;
        }
    }
    EXPECT_GT(accepted, 1000);
}

}  // namespace
}  // namespace ts::thing
