#include "registry/signing.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace ts::registry {
namespace {

const DeviceUsername kUser{"dev01", "a1B2c3D4e5"};

TEST(Signing, Sha256VectorFromProtocolDoc) {
    auto id = parse_signed_client_id(
        "a1B2c3D4e5.dev01|timestamp=2524608000000,_ss=1,_v=sdk-c-4.1.0,securemode=2,"
        "signmethod=hmacsha256,ext=3,_conn=tls_a5|");
    ASSERT_TRUE(id);
    const std::string content = signing_content(*id, kUser);
    EXPECT_EQ(content,
              "clientIda1B2c3D4e5.dev01deviceNamedev01productKeya1B2c3D4e5timestamp2524608000000");
    EXPECT_EQ(sign("hmacsha256", "s3cr3tKey", content),
              "04f2610a35b376b1c8779ae616496af02b39cd5478423dbd58e4c2ef08ea15db");
    // Link SDK 4 sends uppercase hex.
    EXPECT_TRUE(
        verify_password(*id, kUser, "s3cr3tKey",
                        "04F2610A35B376B1C8779AE616496AF02B39CD5478423DBD58E4C2EF08EA15DB"));
    EXPECT_FALSE(verify_password(
        *id, kUser, "wrong", "04F2610A35B376B1C8779AE616496AF02B39CD5478423DBD58E4C2EF08EA15DB"));
}

TEST(Signing, Sha1VectorFromProtocolDoc) {
    auto id = parse_signed_client_id(
        "a1B2c3D4e5&dev01|securemode=3,signmethod=hmacsha1,timestamp=1700000000000,lan=NodeJS,"
        "_v=1.2.8|");
    ASSERT_TRUE(id);
    EXPECT_EQ(sign("hmacsha1", "s3cr3tKey", signing_content(*id, kUser)),
              "9d0f364ca723730a5bf5dca4b994a3d8d23d7a89");
    EXPECT_TRUE(
        verify_password(*id, kUser, "s3cr3tKey", "9d0f364ca723730a5bf5dca4b994a3d8d23d7a89"));
}

TEST(Signing, Md5IsTheDefaultMethod) {
    auto id = parse_signed_client_id("c1|securemode=3,timestamp=42|");
    ASSERT_TRUE(id);
    const std::string content = signing_content(*id, kUser);
    EXPECT_EQ(content, "clientIdc1deviceNamedev01productKeya1B2c3D4e5timestamp42");
    const auto md5 = sign("HMACMD5", "k", content);
    ASSERT_TRUE(md5);
    EXPECT_EQ(md5->size(), 32u);
    EXPECT_TRUE(verify_password(*id, kUser, "k", *md5));
    // A SHA-256 signature does not pass for an undeclared method.
    EXPECT_FALSE(verify_password(*id, kUser, "k", *sign("hmacsha256", "k", content)));
    // Known answer (RFC 2202 test case 2).
    EXPECT_EQ(sign("hmacmd5", "Jefe", "what do ya want for nothing?"),
              "750c783e6ab0b503eaa86e310a5db738");
}

// Each thread re-keys one context per digest: every call must use its own
// key, an empty secret included (a null key would mean "keep the last one").
TEST(Signing, EachCallUsesItsOwnKey) {
    constexpr std::string_view kData = "what do ya want for nothing?";
    // RFC 2202 / RFC 4231 test case 2.
    const std::string sha1 = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
    const std::string sha256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    EXPECT_EQ(sign("hmacsha1", "Jefe", kData), sha1);
    EXPECT_EQ(sign("hmacsha256", "Jefe", kData), sha256);
    EXPECT_NE(sign("hmacsha1", "other", kData), sha1);
    // HMAC-SHA1 with an empty key, right after a call with a key.
    EXPECT_EQ(sign("hmacsha1", "", "abc"), "9b4a918f398d74d3e367970aba3cbe54e4d2b5d9");
    EXPECT_EQ(sign("hmacsha1", "Jefe", kData), sha1);
    EXPECT_EQ(sign("hmacsha256", "Jefe", kData), sha256);

    std::optional<std::string> from_thread;
    std::thread t([&] { from_thread = sign("hmacsha256", "Jefe", kData); });
    t.join();
    EXPECT_EQ(from_thread, sha256);
}

TEST(Signing, NpmSdkSignsSha1WhateverItDeclares) {
    auto id =
        parse_signed_client_id("a1B2c3D4e5&dev01|securemode=3,signmethod=hmacsha256,timestamp=1|");
    ASSERT_TRUE(id);
    const auto sha1 = sign("hmacsha1", "s", signing_content(*id, kUser));
    EXPECT_TRUE(verify_password(*id, kUser, "s", *sha1));
    // But not md5 under a sha256 declaration.
    EXPECT_FALSE(
        verify_password(*id, kUser, "s", *sign("hmacmd5", "s", signing_content(*id, kUser))));
}

TEST(Signing, UnknownMethodIsRefused) {
    auto id = parse_signed_client_id("c|signmethod=hmacsha512,timestamp=1|");
    ASSERT_TRUE(id);
    EXPECT_FALSE(sign("hmacsha512", "s", "x"));
    EXPECT_FALSE(
        verify_password(*id, kUser, "s", *sign("hmacsha1", "s", signing_content(*id, kUser))));
}

TEST(Signing, WrongLengthOrGarbagePasswordFails) {
    auto id = parse_signed_client_id("c|signmethod=hmacsha1|");
    ASSERT_TRUE(id);
    const auto good = *sign("hmacsha1", "s", signing_content(*id, kUser));
    EXPECT_FALSE(verify_password(*id, kUser, "s", good.substr(1)));
    EXPECT_FALSE(verify_password(*id, kUser, "s", ""));
    EXPECT_FALSE(verify_password(*id, kUser, "s", good + "0"));
}

TEST(Signing, ParseKeepsPipesInValuesAndToleratesShapes) {
    auto id = parse_signed_client_id("a&b|securemode=3,lan=JS|WX,_v=1.2.8,|");
    ASSERT_TRUE(id);
    EXPECT_EQ(id->client_id, "a&b");
    EXPECT_EQ(id->params.at("lan"), "JS|WX");
    EXPECT_EQ(id->params.at("_v"), "1.2.8");
    EXPECT_EQ(id->params.size(), 3u);

    auto browser = parse_signed_client_id("x|lan=JS|Broswer ,securemode=2|");
    ASSERT_TRUE(browser);
    EXPECT_EQ(browser->params.at("lan"), "JS|Broswer ");

    auto empty_cid = parse_signed_client_id("|timestamp=1,_ss=1|");
    ASSERT_TRUE(empty_cid);
    EXPECT_EQ(empty_cid->client_id, "");
    EXPECT_EQ(signing_content(*empty_cid, kUser),
              "clientIddeviceNamedev01productKeya1B2c3D4e5timestamp1");

    auto no_ts = parse_signed_client_id("c||");
    ASSERT_TRUE(no_ts);
    EXPECT_TRUE(no_ts->params.empty());
    EXPECT_EQ(signing_content(*no_ts, kUser), "clientIdcdeviceNamedev01productKeya1B2c3D4e5");

    auto dup = parse_signed_client_id("c|timestamp=1,timestamp=2|");
    ASSERT_TRUE(dup);
    EXPECT_EQ(dup->params.at("timestamp"), "1");

    EXPECT_FALSE(parse_signed_client_id("plain-client-id"));
    EXPECT_FALSE(parse_signed_client_id("c|securemode=3"));
    EXPECT_FALSE(parse_signed_client_id("c|securemode=3|junk"));
}

TEST(Signing, Username) {
    auto u = parse_device_username("dev01&a1B2c3D4e5");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->device_name, "dev01");
    EXPECT_EQ(u->product_key, "a1B2c3D4e5");
    EXPECT_FALSE(parse_device_username("dev01"));
    EXPECT_FALSE(parse_device_username("&pk"));
    EXPECT_FALSE(parse_device_username("dn&"));
    EXPECT_FALSE(parse_device_username("a&b&c"));
}

}  // namespace
}  // namespace ts::registry
