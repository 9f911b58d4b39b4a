// The Alink envelope: forgiving where SDKs differ, exact in what it sends.
#include <gtest/gtest.h>

#include "thing/alink.hpp"

namespace ts::thing {
namespace {

TEST(Alink, ParsesTheDocumentedRequest) {
    auto r = parse_alink_request(
        R"({"id":"42","version":"1.0","sys":{"ack":0},"params":{"t":1},"method":"thing.x"})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, "42");
    EXPECT_EQ(r->params, nlohmann::json({{"t", 1}}));
    EXPECT_EQ(r->method, "thing.x");
    EXPECT_FALSE(r->ack);
}

TEST(Alink, ToleratesWhatSdksLeaveOut) {
    auto r = parse_alink_request(R"({"id":7,"params":"{\"a\":1}"})");
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->ack);
    EXPECT_EQ(r->params, nlohmann::json({{"a", 1}}));  // Link SDK 4 sends params as a string
    EXPECT_EQ(reply_id(r->id), "7");
    EXPECT_TRUE(parse_alink_request(R"({})"));
}

TEST(Alink, RefusesWhatCannotBeAnswered) {
    EXPECT_FALSE(parse_alink_request("not json"));
    EXPECT_FALSE(parse_alink_request("[1,2]"));
    EXPECT_FALSE(parse_alink_request("\xff\xfe"));
    std::string deep(100, '[');
    deep += std::string(100, ']');
    auto r = parse_alink_request(deep);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("nested"), std::string::npos);
}

TEST(Alink, DepthIgnoresBracketsInStrings) {
    std::string s = R"({"a":")" + std::string(100, '[') + R"("})";
    EXPECT_TRUE(within_json_depth(s));
    EXPECT_TRUE(within_json_depth(R"({"a":"\"[[[["})", 2));
    EXPECT_FALSE(within_json_depth("[[[", 2));
}

TEST(Alink, ReplyHasAllSixKeysAndAStringId) {
    auto j = nlohmann::json::parse(
        alink_reply(nlohmann::json(12345), 200, nlohmann::json(), "success", "thing.a"));
    EXPECT_EQ(j["id"], "12345");
    EXPECT_EQ(j["code"], 200);
    EXPECT_EQ(j["data"], nlohmann::json::object());
    EXPECT_EQ(j["message"], "success");
    EXPECT_EQ(j["version"], "1.0");
    EXPECT_EQ(j["method"], "thing.a");
    // npm's ids carry the reply topic; they come back unchanged.
    const std::string npm = "1|exp-topic|/sys/a/b/thing/event/property/post_reply";
    EXPECT_EQ(nlohmann::json::parse(alink_reply(npm, 200, {}, "", ""))["id"], npm);
}

TEST(Alink, ReplyIsTheDocumentsDump) {
    // What the reply was when built as a DOM, for every kind of input.
    auto as_dom = [](const nlohmann::json& id, int code, const nlohmann::json& data,
                     const std::string& message, const std::string& method) {
        nlohmann::json j = {{"id", reply_id(id)},
                            {"code", code},
                            {"data", data.is_null() ? nlohmann::json::object() : data},
                            {"message", message},
                            {"version", "1.0"}};
        if (!method.empty()) j["method"] = method;
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    const nlohmann::json ids[] = {"7", 12345, -3, nullptr, "q\"uote\\", "\xc3\xa9\x01", {{"a", 1}}};
    const nlohmann::json datas[] = {
        nullptr, nlohmann::json::object(), {{"t", "bad \"x\""}}, {1, 2}};
    const std::string messages[] = {"success", "", "tsl parse: \"x\"\n", "\xff\xfe bad utf-8"};
    for (const auto& id : ids) {
        for (const auto& data : datas) {
            for (const auto& message : messages) {
                for (const std::string method : {"", "thing.event.property.post"}) {
                    EXPECT_EQ(alink_reply(id, 460, data, message, method),
                              as_dom(id, 460, data, message, method))
                        << id << " " << data << " " << message << " " << method;
                }
            }
        }
    }
}

TEST(Alink, DownlinkCarriesTheFourKeys) {
    auto j = nlohmann::json::parse(alink_downlink("99", "thing.service.property.set", {{"t", 1}}));
    EXPECT_EQ(j, nlohmann::json({{"id", "99"},
                                 {"version", "1.0"},
                                 {"params", {{"t", 1}}},
                                 {"method", "thing.service.property.set"}}));
}

}  // namespace
}  // namespace ts::thing
