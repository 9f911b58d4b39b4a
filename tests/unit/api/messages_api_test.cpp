// POST /messages over a real socket: base64 decoding, validation, the
// publisher's refusal.
#include "api_test_util.hpp"
#include "core/base64.hpp"

namespace ts::api::test {
namespace {

using MessagesApi = ApiTest;

TEST_F(MessagesApi, PublishesTheDecodedPayload) {
    std::string binary("\x00\x01\xfe\xffhello", 9);
    auto r = post("/messages", {{"topic", "/pk/dev/user/get"},
                                {"payload", base64_encode(binary)},
                                {"qos", 1},
                                {"retain", true}});
    ASSERT_EQ(r.status, 202u) << r.body;
    EXPECT_EQ(r.js(), json::object());
    auto sent = publisher_.messages();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0].topic, "/pk/dev/user/get");
    EXPECT_EQ(sent[0].payload, binary);
    EXPECT_EQ(sent[0].qos, 1);
    EXPECT_TRUE(sent[0].retain);

    r = post("/messages", {{"topic", "a/b"}, {"payload", "aGk="}});
    ASSERT_EQ(r.status, 202u);
    sent = publisher_.messages();
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[1].payload, "hi");
    EXPECT_EQ(sent[1].qos, 0);  // defaults
    EXPECT_FALSE(sent[1].retain);
}

TEST_F(MessagesApi, BadInputNamesTheField) {
    auto r = post("/messages", {{"topic", "a/b"}, {"payload", "not base64!"}});
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "InvalidArgument");
    EXPECT_EQ(r.message(), "payload: must be base64 (RFC 4648)");
    EXPECT_EQ(post("/messages", {{"topic", "a/b"}, {"payload", "aGk="}, {"qos", 2}}).message(),
              "qos: must be an integer from 0 to 1");
    EXPECT_EQ(post("/messages", {{"topic", "a/+"}, {"payload", ""}}).message(),
              "topic: must not contain the wildcards '+' or '#'");
    EXPECT_EQ(post("/messages", {{"topic", ""}, {"payload", ""}}).message(),
              "topic: must not be empty");
    EXPECT_EQ(post("/messages", {{"payload", ""}}).message(), "topic: required");
    EXPECT_EQ(post("/messages", {{"topic", "a"}}).message(), "payload: required");
    EXPECT_EQ(post("/messages", {{"topic", "a"}, {"payload", ""}, {"retain", "yes"}}).message(),
              "retain: must be true or false");
    EXPECT_EQ(post("/messages", {{"topic", "a"}, {"payload", ""}, {"dup", true}}).code(),
              "UnknownField");
    EXPECT_TRUE(publisher_.messages().empty());
}

TEST_F(MessagesApi, RefusalIsReported) {
    publisher_.refuse(true);
    auto r = post("/messages", {{"topic", "a/b"}, {"payload", "aGk="}});
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(r.code(), "InternalError");
    EXPECT_NE(r.message().find("shutting down"), std::string::npos);
}

}  // namespace
}  // namespace ts::api::test
