#include <gtest/gtest.h>

#include "core/log_text.hpp"

namespace ts {
namespace {

TEST(LogText, ShortPrintableTextIsKept) {
    EXPECT_EQ(log::text("device:pk/dn"), "device:pk/dn");
}

TEST(LogText, LongTextIsCutAndSaysHowLongItWas) {
    EXPECT_EQ(log::text(std::string(100, 'a'), 8), "aaaaaaaa...(100 bytes)");
}

TEST(LogText, ControlCharactersAndQuotesCannotForgeLines) {
    EXPECT_EQ(log::text("a\nb\"c\\"), "a\\x0ab\\x22c\\x5c");
}

}  // namespace
}  // namespace ts
