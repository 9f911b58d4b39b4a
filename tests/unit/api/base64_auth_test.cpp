// Strict base64 and the bearer-token check.
#include <gtest/gtest.h>

#include "api/auth.hpp"
#include "core/base64.hpp"

namespace ts::api {
namespace {

TEST(Base64, DecodesPaddedAndUnpadded) {
    EXPECT_EQ(base64_decode("aGVsbG8="), "hello");
    EXPECT_EQ(base64_decode("aGVsbG8"), "hello");
    EXPECT_EQ(base64_decode("aGk="), "hi");
    EXPECT_EQ(base64_decode("aA=="), "h");
    EXPECT_EQ(base64_decode(""), "");
    EXPECT_EQ(base64_decode("AP8A"), std::string("\x00\xff\x00", 3));
    EXPECT_EQ(base64_decode(base64_encode(std::string("\x01\x02\x03\xfe", 4))),
              std::string("\x01\x02\x03\xfe", 4));
}

TEST(Base64, RejectsWhatIsNotBase64) {
    EXPECT_FALSE(base64_decode("aGVs bG8="));  // whitespace
    EXPECT_FALSE(base64_decode("aGVsbG8*"));   // outside the alphabet
    EXPECT_FALSE(base64_decode("aGVsbG8=="));  // padding past a multiple of 4
    EXPECT_FALSE(base64_decode("a==="));       // three '='
    EXPECT_FALSE(base64_decode("aG=k"));       // '=' in the middle
    EXPECT_FALSE(base64_decode("a"));          // 1 mod 4
    EXPECT_FALSE(base64_decode("aGVsbG8_"));   // URL-safe alphabet
}

TEST(Auth, ConstantTimeEqual) {
    EXPECT_TRUE(constant_time_equal("secret", "secret"));
    EXPECT_FALSE(constant_time_equal("secret", "secreT"));
    EXPECT_FALSE(constant_time_equal("secret", "secret2"));
    EXPECT_FALSE(constant_time_equal("secret", "secre"));
    EXPECT_FALSE(constant_time_equal("secret", ""));
    EXPECT_FALSE(constant_time_equal("", ""));  // an empty token never authenticates
}

TEST(Auth, BearerHeader) {
    EXPECT_FALSE(check_bearer("Bearer tok", "tok"));
    EXPECT_FALSE(check_bearer("bearer  tok ", "tok"));
    auto missing = check_bearer("", "tok");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 401u);
    EXPECT_EQ(missing->code, "Unauthenticated");
    EXPECT_NE(missing->message.find("missing"), std::string::npos);
    auto basic = check_bearer("Basic dXNlcjpwdw==", "tok");
    ASSERT_TRUE(basic);
    EXPECT_NE(basic->message.find("not a Bearer"), std::string::npos);
    auto wrong = check_bearer("Bearer nope", "tok");
    ASSERT_TRUE(wrong);
    EXPECT_NE(wrong->message.find("invalid"), std::string::npos);
}

}  // namespace
}  // namespace ts::api
