#include "registry/ids.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "registry/validate.hpp"

namespace ts::registry {
namespace {

bool all_alnum(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
}

TEST(Ids, GeneratedShapes) {
    auto pk = generate_product_key();
    ASSERT_TRUE(pk);
    EXPECT_EQ(pk->size(), 11u);
    EXPECT_EQ(pk->substr(0, 2), "a1");
    EXPECT_TRUE(all_alnum(*pk));
    EXPECT_EQ(generate_product_secret()->size(), 16u);
    EXPECT_EQ(generate_device_secret()->size(), 32u);
    auto dn = generate_device_name();
    EXPECT_EQ(dn->size(), 20u);
    EXPECT_TRUE(all_alnum(*dn));
    EXPECT_TRUE(check_device_name(*dn));
}

TEST(Ids, RandomAndCoversTheAlphabet) {
    std::set<std::string> secrets;
    std::set<char> chars;
    for (int i = 0; i < 200; ++i) {
        auto s = generate_device_secret();
        ASSERT_TRUE(s);
        EXPECT_TRUE(all_alnum(*s));
        secrets.insert(*s);
        chars.insert(s->begin(), s->end());
    }
    EXPECT_EQ(secrets.size(), 200u);
    EXPECT_EQ(chars.size(), 62u);  // 6400 draws from 62 symbols
}

TEST(Validate, DeviceNames) {
    for (const char* ok : {"dev1", "a_b-c.d@e:f", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", "1234"})
        EXPECT_TRUE(check_device_name(ok)) << ok;
    for (const char* bad : {"", "abc", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "dev 1", "dev/1",
                            "dev#1", "dev+1", "dév1", "dev&1"}) {
        auto r = check_device_name(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, Errc::InvalidArgument);
        EXPECT_NE(r.error().message.find("deviceName: must be 4-32 characters"), std::string::npos)
            << r.error().message;
    }
}

TEST(Validate, ProductNames) {
    EXPECT_TRUE(check_product_name("x"));
    EXPECT_TRUE(check_product_name("Température capteur 温度"));
    EXPECT_TRUE(check_product_name(std::string(64, 'a')));
    EXPECT_TRUE(check_product_name(
        "温度温度温度温度温度温度温度温度温度温度温度温度温度温度温度温度温度温度温度温度"
        "温度温度温度温度温度温度温度温度温度温度温度温度"));  // 64 chars
    EXPECT_FALSE(check_product_name(std::string(65, 'a')));
    EXPECT_FALSE(check_product_name(""));
    EXPECT_FALSE(check_product_name("tab\there"));
    EXPECT_FALSE(check_product_name("nl\n"));
    EXPECT_FALSE(check_product_name("del\x7f"));
    EXPECT_FALSE(check_product_name("\xc2\x85"));      // C1 control
    EXPECT_FALSE(check_product_name("\xff"));          // not UTF-8
    EXPECT_FALSE(check_product_name("\xc0\xaf"));      // overlong
    EXPECT_FALSE(check_product_name("\xed\xa0\x80"));  // surrogate
    EXPECT_FALSE(check_product_name("\xe6\xb8"));      // truncated
    auto r = check_product_name("");
    EXPECT_NE(r.error().message.find("name:"), std::string::npos);
}

TEST(Validate, Tags) {
    EXPECT_TRUE(check_tags({{"room", "kitchen"}, {"floor.no", ""}}));
    EXPECT_FALSE(check_tags({{"", "x"}}));
    EXPECT_FALSE(check_tags({{"bad key", "x"}}));
    EXPECT_FALSE(check_tags({{"k", std::string(129, 'v')}}));
    std::map<std::string, std::string> many;
    for (int i = 0; i <= 100; ++i) many["k" + std::to_string(i)] = "v";
    EXPECT_FALSE(check_tags(many));
}

TEST(Validate, TopicClasses) {
    const std::string pk = "a1Pk0000001";
    const std::string base = "/a1Pk0000001/${deviceName}/user/";
    EXPECT_TRUE(check_topic_class(pk, base + "update", TopicPermission::Publish));
    EXPECT_TRUE(check_topic_class(pk, base + "a/b_c/D9", TopicPermission::All));
    EXPECT_TRUE(check_topic_class(pk, base + "cmd/+/in", TopicPermission::Subscribe));
    EXPECT_TRUE(check_topic_class(pk, base + "feed/#", TopicPermission::Subscribe));
    EXPECT_TRUE(check_topic_class(pk, base + "#", TopicPermission::Subscribe));

    EXPECT_FALSE(check_topic_class(pk, base + "cmd/+/in", TopicPermission::Publish));
    EXPECT_FALSE(check_topic_class(pk, base + "cmd/+", TopicPermission::All));
    EXPECT_FALSE(check_topic_class(pk, base + "feed/#/x", TopicPermission::Subscribe));
    EXPECT_FALSE(check_topic_class(pk, base + "a#", TopicPermission::Subscribe));
    EXPECT_FALSE(check_topic_class(pk, base, TopicPermission::Publish));
    EXPECT_FALSE(check_topic_class(pk, base + "a//b", TopicPermission::Publish));
    EXPECT_FALSE(check_topic_class(pk, base + "a/", TopicPermission::Publish));
    EXPECT_FALSE(check_topic_class(pk, base + "a-b", TopicPermission::Publish));
    EXPECT_FALSE(
        check_topic_class(pk, "/a1Other0001/${deviceName}/user/x", TopicPermission::Publish));
    EXPECT_FALSE(check_topic_class(pk, "/a1Pk0000001/dev01/user/x", TopicPermission::Publish));
    EXPECT_FALSE(check_topic_class(pk, base + std::string(300, 'a'), TopicPermission::Publish));
    auto r = check_topic_class(pk, "/x", TopicPermission::Publish);
    EXPECT_NE(r.error().message.find("topic:"), std::string::npos);
}

}  // namespace
}  // namespace ts::registry
