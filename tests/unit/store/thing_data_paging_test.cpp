#include "store/thing_data_paging.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace ts::store {
namespace {

TEST(ThingDataPaging, TokensRoundTrip) {
    constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
    constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
    for (const PageCursor c : {PageCursor{0, 0}, PageCursor{1'700'000'000'000, 42},
                               PageCursor{-5, 1}, PageCursor{kMin, kMax}, PageCursor{kMax, 7}}) {
        auto back = decode_page_token(encode_page_token(c));
        ASSERT_TRUE(back.has_value()) << encode_page_token(c);
        EXPECT_EQ(back->time_ms, c.time_ms);
        EXPECT_EQ(back->seq, c.seq);
    }
}

TEST(ThingDataPaging, EmptyTokenIsTheFirstPage) {
    auto c = decode_page_token("");
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->time_ms, std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(c->seq, std::numeric_limits<std::int64_t>::max());
}

TEST(ThingDataPaging, MalformedTokensAreRejected) {
    for (const std::string token : {"x", "v1", "v1.", "v1..", "v1.1.", "v1..1", "v1.1.2.3",
                                    "v1.1.-2", "v1. 1.2", "v1.0x1.2", "V1.1.2", "v1.1.2\n"}) {
        auto c = decode_page_token(token);
        ASSERT_FALSE(c.has_value()) << token;
        EXPECT_EQ(c.error().message, "invalid page token");
    }
}

TEST(ThingDataPaging, LimitIsClamped) {
    EXPECT_EQ(clamp_page_limit(0), 1u);
    EXPECT_EQ(clamp_page_limit(1), 1u);
    EXPECT_EQ(clamp_page_limit(1000), 1000u);
    EXPECT_EQ(clamp_page_limit(1001), 1000u);
    EXPECT_EQ(clamp_page_limit(static_cast<std::size_t>(-1)), 1000u);
}

}  // namespace
}  // namespace ts::store
