#include "app/signin_throttle.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ts::app {
namespace {

using Block = SignInThrottle::Block;

ThrottleSettings settings(std::uint32_t fail_limit, std::uint32_t address_fail_limit,
                          std::size_t max_entries = 100'000) {
    ThrottleSettings s;
    s.fail_limit = fail_limit;
    s.address_fail_limit = address_fail_limit;
    s.fail_window_s = 60;
    s.block_s = 60;
    s.max_entries = max_entries;
    return s;
}

std::string fmt_v6(int i) {
    return "2001:db8:0:1::" + std::to_string(i + 1);
}

void fail(SignInThrottle& t, std::string_view address, std::string_view identity, int times) {
    for (int i = 0; i < times; ++i) t.record_failure(address, identity);
}

TEST(SignInThrottle, AnIdentityIsBlockedAfterTheLimitAndTheBlockEnds) {
    ManualClock clock;
    SignInThrottle t(settings(3, 100), clock);
    EXPECT_EQ(t.record_failure("10.0.0.1", "dev01&pk"), Block::None);
    EXPECT_EQ(t.record_failure("10.0.0.1", "dev01&pk"), Block::None);
    EXPECT_EQ(t.blocked("10.0.0.1", "dev01&pk"), Block::None);
    EXPECT_EQ(t.record_failure("10.0.0.1", "dev01&pk"), Block::Identity);
    EXPECT_EQ(t.blocked("10.0.0.1", "dev01&pk"), Block::Identity);
    clock.advance(59'999);
    EXPECT_EQ(t.blocked("10.0.0.1", "dev01&pk"), Block::Identity);
    clock.advance(1);
    EXPECT_EQ(t.blocked("10.0.0.1", "dev01&pk"), Block::None);
    EXPECT_EQ(t.blocks(), 0u);
    // Counting starts over after a block.
    EXPECT_EQ(t.record_failure("10.0.0.1", "dev01&pk"), Block::None);
}

TEST(SignInThrottle, FailuresFurtherApartThanTheWindowStartOver) {
    ManualClock clock;
    SignInThrottle t(settings(3, 100), clock);
    fail(t, "10.0.0.1", "d", 2);
    clock.advance(60'000);
    EXPECT_EQ(t.record_failure("10.0.0.1", "d"), Block::None);
    EXPECT_EQ(t.record_failure("10.0.0.1", "d"), Block::None);
    EXPECT_EQ(t.record_failure("10.0.0.1", "d"), Block::Identity);
}

// Alibaba's C SDK retries a refused CONNECT; a device with a wrong secret
// must not lock out its neighbours behind the same NAT.
TEST(SignInThrottle, ANatNeighbourStillSignsInWhileItsNeighbourIsBlocked) {
    ManualClock clock;
    SignInThrottle t(settings(10, 100), clock);
    for (int i = 0; i < 8 * 3; ++i) {  // three retry rounds of the C SDK
        t.record_failure("192.0.2.7", "broken&pk");
        clock.advance(2'000);
        if (i >= 9) {
            EXPECT_EQ(t.blocked("192.0.2.7", "broken&pk"), Block::Identity) << i;
        }
        EXPECT_EQ(t.blocked("192.0.2.7", "good&pk"), Block::None) << i;
    }
    // The same identity from another address is not blocked either.
    EXPECT_EQ(t.blocked("192.0.2.8", "broken&pk"), Block::None);
}

TEST(SignInThrottle, TheAddressIsBlockedAtItsOwnHigherLimit) {
    ManualClock clock;
    SignInThrottle t(settings(10, 30), clock);
    for (int i = 0; i < 29; ++i)
        EXPECT_EQ(t.record_failure("10.0.0.9", "guess-" + std::to_string(i)), Block::None);
    EXPECT_EQ(t.record_failure("10.0.0.9", "guess-29"), Block::Address);
    EXPECT_EQ(t.blocked("10.0.0.9", "anyone"), Block::Address);
    EXPECT_EQ(t.blocked("10.0.0.10", "anyone"), Block::None);
    clock.advance(60'000);
    EXPECT_EQ(t.blocked("10.0.0.9", "anyone"), Block::None);
}

TEST(SignInThrottle, IPv6AddressesCountPerSlash64) {
    EXPECT_EQ(SignInThrottle::address_group("2001:db8:0:1::5"), "2001:db8:0:1::/64");
    EXPECT_EQ(SignInThrottle::address_group("2001:db8:0:1:ffff:1:2:3"), "2001:db8:0:1::/64");
    EXPECT_EQ(SignInThrottle::address_group("fe80::1%eth0"), "fe80:0:0:0::/64");
    EXPECT_EQ(SignInThrottle::address_group("::ffff:192.0.2.1"), "192.0.2.1");
    EXPECT_EQ(SignInThrottle::address_group("192.0.2.1"), "192.0.2.1");
    EXPECT_EQ(SignInThrottle::address_group("not an address"), "not an address");

    ManualClock clock;
    SignInThrottle t(settings(3, 5), clock);
    // One host walking its /64 is one address...
    for (int i = 0; i < 5; ++i) t.record_failure(fmt_v6(i), "guess-" + std::to_string(i));
    EXPECT_EQ(t.blocked("2001:db8:0:1::abcd", "other&pk"), Block::Address);
    EXPECT_EQ(t.blocked("2001:db8:0:1::abcd", "same&pk"), Block::Address);
    // ... and the next /64 is another.
    EXPECT_EQ(t.blocked("2001:db8:0:2::1", "same&pk"), Block::None);
}

TEST(SignInThrottle, AFloodOfDistinctAddressesKeepsActiveBlocksAndBoundedMemory) {
    ManualClock clock;
    SignInThrottle t(settings(3, 100, 1'000), clock);
    fail(t, "10.0.0.1", "victim-guess", 3);
    ASSERT_EQ(t.blocked("10.0.0.1", "victim-guess"), Block::Identity);
    fail(t, "10.0.0.2", "x", 2);  // a counter that is not a block
    for (int i = 0; i < 200'000; ++i) {
        const std::string addr = "172." + std::to_string((i >> 16) & 255) + "." +
                                 std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255);
        t.record_failure(addr, "spray");
        if (i % 1'000 == 0) clock.advance(1);
    }
    EXPECT_LE(t.counters(), 1'000u);
    EXPECT_EQ(t.blocked("10.0.0.1", "victim-guess"), Block::Identity)
        << "a spray of sources must not lift a block";
    // The old counter was evicted: counting starts over.
    EXPECT_EQ(t.record_failure("10.0.0.2", "x"), Block::None);
}

TEST(SignInThrottle, ZeroLimitOrZeroBlockTurnsItOff) {
    ManualClock clock;
    SignInThrottle off(settings(0, 100), clock);
    fail(off, "10.0.0.1", "d", 1'000);
    EXPECT_EQ(off.blocked("10.0.0.1", "d"), Block::None);
    auto s = settings(3, 100);
    s.block_s = 0;
    SignInThrottle no_block(s, clock);
    fail(no_block, "10.0.0.1", "d", 1'000);
    EXPECT_EQ(no_block.blocked("10.0.0.1", "d"), Block::None);
}

}  // namespace
}  // namespace ts::app
