#include "thing/forwarded_post.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ts::thing {
namespace {

using nlohmann::json;

// What the platform forwarded when it built the message as a DOM.
json as_dom(const std::string& pk, const std::string& dn, std::int64_t received,
            const std::vector<store::PropertyValue>& accepted, const json& failed) {
    json items = json::object();
    for (const auto& v : accepted) {
        items[v.identifier] = {{"value", json::parse(v.value_json)}, {"time", v.time_ms}};
    }
    json j = {{"iotId", pk + "." + dn},
              {"productKey", pk},
              {"deviceName", dn},
              {"gmtCreate", received},
              {"items", items}};
    if (!failed.empty()) j["checkFailedData"] = failed;
    return j;
}

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(ForwardedPost, SameBytesAsTheDocument) {
    const std::vector<store::PropertyValue> accepted = {
        {"Humidity", "55", 1'700'000'000'001},
        {"pos", R"({"lat":1.5,"lon":-2,"tags":["a","b"]})", 0},
        {"temp", "21.5", -5},
    };
    const auto text = forwarded_post("pk1", "dev-1", 1'700'000'000'123, accepted, json::object());
    EXPECT_EQ(text, dump(as_dom("pk1", "dev-1", 1'700'000'000'123, accepted, json::object())));
}

TEST(ForwardedPost, FailedItemsAndKeysThatNeedEscaping) {
    // Without validation, identifiers are whatever the device sent.
    const std::vector<store::PropertyValue> accepted = {
        {"a\"b", "\"x\\ny\"", 1},
        {"ctl\x01", "null", 2},
        {"\xc3\xa9t\xc3\xa9", "[]", 3},
    };
    const json failed = {{"bad", {{"value", "s"}, {"time", 4}, {"code", 6304}, {"message", "m"}}}};
    const auto text = forwarded_post("p", "d", 9, accepted, failed);
    EXPECT_EQ(text, dump(as_dom("p", "d", 9, accepted, failed)));
    const auto parsed = json::parse(text);
    EXPECT_EQ(parsed["items"]["a\"b"]["value"], "x\ny");
    EXPECT_EQ(parsed["checkFailedData"]["bad"]["code"], 6304);
}

TEST(ForwardedPost, NoItems) {
    const auto text = forwarded_post("p", "d", 1, {}, json::object());
    EXPECT_EQ(json::parse(text)["items"], json::object());
    EXPECT_EQ(text, dump(as_dom("p", "d", 1, {}, json::object())));
}

}  // namespace
}  // namespace ts::thing
