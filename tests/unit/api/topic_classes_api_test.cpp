// /products/{pk}/topic-classes over a real socket.
#include "api_test_util.hpp"

namespace ts::api::test {
namespace {

class TopicClassesApi : public ApiTest {
protected:
    void SetUp() override {
        ApiTest::SetUp();
        pk = make_product();
        base = "/products/" + pk + "/topic-classes";
        topic = "/" + pk + "/${deviceName}/user/update";
    }
    static std::string encode(const std::string& s) {
        std::string out;
        for (unsigned char c : s) {
            if (std::isalnum(c)) {
                out += static_cast<char>(c);
            } else {
                char buf[4];
                std::snprintf(buf, sizeof buf, "%%%02X", c);
                out += buf;
            }
        }
        return out;
    }
    std::string pk, base, topic;
};

TEST_F(TopicClassesApi, AddListDelete) {
    auto r = post(base, {{"topic", topic}, {"permission", "pub"}, {"description", "uplink"}});
    ASSERT_EQ(r.status, 201u) << r.body;
    EXPECT_EQ(r.js()["topic"], topic);
    EXPECT_EQ(r.js()["permission"], "pub");
    EXPECT_EQ(r.js()["description"], "uplink");
    EXPECT_TRUE(r.js()["createdTime"].is_number_integer());

    r = post(base, {{"topic", "/" + pk + "/${deviceName}/user/get"}, {"permission", "sub"}});
    ASSERT_EQ(r.status, 201u) << r.body;
    EXPECT_EQ(r.js()["description"], "");

    r = get(base);
    ASSERT_EQ(r.status, 200u);
    ASSERT_EQ(r.js()["items"].size(), 2u);
    EXPECT_EQ(r.js()["items"][1]["permission"], "sub");

    r = del(base + "?topic=" + encode(topic));
    EXPECT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(get(base).js()["items"].size(), 1u);
    r = del(base + "?topic=" + encode(topic));
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.code(), "TopicClassNotFound");
}

TEST_F(TopicClassesApi, Errors) {
    post(base, {{"topic", topic}, {"permission", "all"}});
    auto r = post(base, {{"topic", topic}, {"permission", "all"}});
    EXPECT_EQ(r.status, 409u);
    EXPECT_EQ(r.code(), "TopicClassAlreadyExists");

    EXPECT_EQ(post(base, {{"topic", topic}}).message(), "permission: required");
    EXPECT_EQ(post(base, {{"topic", topic}, {"permission", "rw"}}).message(),
              "permission: must be \"pub\", \"sub\" or \"all\"");
    EXPECT_EQ(post(base, {{"permission", "pub"}}).message(), "topic: required");
    EXPECT_EQ(post(base, {{"topic", "/x/y"}, {"permission", "pub"}}).message().rfind("topic: ", 0),
              0u);
    EXPECT_EQ(post(base, {{"topic", topic}, {"permission", "pub"}, {"qos", 1}}).code(),
              "UnknownField");
    EXPECT_EQ(del(base).message(), "topic: required");
    EXPECT_EQ(del(base + "?topc=x").code(), "UnknownField");
    EXPECT_EQ(get("/products/nope/topic-classes").code(), "ProductNotFound");
}

}  // namespace
}  // namespace ts::api::test
