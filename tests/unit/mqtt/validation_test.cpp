// is_valid_utf8, is_valid_topic_name, is_valid_topic_filter.
#include "mqtt_test_util.hpp"

namespace ts::mqtt::test {
namespace {

TEST(Utf8, WellFormed) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ascii that is longer than eight bytes"));
    EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));             // U+00E9
    EXPECT_TRUE(is_valid_utf8("\xe2\x82\xac"));            // U+20AC
    EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80 smile"));  // U+1F600
    EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));        // U+10FFFF
    EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));            // U+D7FF
    EXPECT_TRUE(is_valid_utf8("\xee\x80\x80"));            // U+E000
    EXPECT_TRUE(is_valid_utf8("\xef\xbf\xbf"));            // U+FFFF (non-character, allowed)
}

TEST(Utf8, IllFormed) {
    EXPECT_FALSE(is_valid_utf8(std::string_view("\0", 1)));
    EXPECT_FALSE(is_valid_utf8(std::string_view("12345678\0abc", 12)));  // NUL in fast path
    EXPECT_FALSE(is_valid_utf8(std::string_view("abcdefghijklmn\0", 15)));
    EXPECT_FALSE(is_valid_utf8("\xc0\x80"));          // overlong NUL
    EXPECT_FALSE(is_valid_utf8("\xc1\xbf"));          // overlong
    EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
    EXPECT_FALSE(is_valid_utf8("\xf0\x80\x80\xaf"));  // overlong
    EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // U+D800
    EXPECT_FALSE(is_valid_utf8("\xed\xbf\xbf"));      // U+DFFF
    EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // U+110000
    EXPECT_FALSE(is_valid_utf8("\xf8\x88\x80\x80\x80"));
    EXPECT_FALSE(is_valid_utf8("\x80"));
    EXPECT_FALSE(is_valid_utf8("\xc3"));              // truncated
    EXPECT_FALSE(is_valid_utf8("abcdefgh\xe2\x82"));  // truncated after fast path
    EXPECT_FALSE(is_valid_utf8("\xc3\x28"));
    EXPECT_FALSE(is_valid_utf8("\xff"));
}

TEST(TopicName, Rules) {
    EXPECT_TRUE(is_valid_topic_name("a"));
    EXPECT_TRUE(is_valid_topic_name("/"));
    EXPECT_TRUE(is_valid_topic_name("a//b/"));
    EXPECT_TRUE(is_valid_topic_name("$SYS/x"));
    EXPECT_TRUE(is_valid_topic_name(" "));
    EXPECT_FALSE(is_valid_topic_name(""));
    EXPECT_FALSE(is_valid_topic_name("a/+"));
    EXPECT_FALSE(is_valid_topic_name("#"));
    EXPECT_FALSE(is_valid_topic_name("a\xff"));
    EXPECT_FALSE(is_valid_topic_name(std::string_view("a\0", 2)));
}

TEST(TopicFilter, Rules) {
    for (const char* f : {"#", "+", "a/#", "a/+/b", "+/+", "/+", "+/", "a//b", "/", "$share/g/a/#",
                          "sport/tennis/#", "+/tennis/#"})
        EXPECT_TRUE(is_valid_topic_filter(f)) << f;
    for (const char* f :
         {"", "a#", "a/#/b", "#/", "a/b#", "a+", "+a", "a/+b", "a/b+/c", "##", "++", "\xff"})
        EXPECT_FALSE(is_valid_topic_filter(f)) << f;
}

}  // namespace
}  // namespace ts::mqtt::test
