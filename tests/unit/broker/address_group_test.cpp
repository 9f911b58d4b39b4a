#include "broker/address_group.hpp"

#include <gtest/gtest.h>

namespace ts::broker {
namespace {

TEST(AddressGroup, IPv4IsItsOwnGroup) {
    EXPECT_EQ(address_group("192.0.2.7"), "192.0.2.7");
    EXPECT_EQ(address_group("::ffff:192.0.2.7"), "192.0.2.7");
}

TEST(AddressGroup, IPv6GroupsByItsSlash64) {
    EXPECT_EQ(address_group("2001:db8:1:2:a:b:c:d"), "2001:db8:1:2::/64");
    EXPECT_EQ(address_group("2001:db8:1:2::ffff"), "2001:db8:1:2::/64");
    EXPECT_NE(address_group("2001:db8:1:3::1"), address_group("2001:db8:1:2::1"));
    EXPECT_EQ(address_group("::1"), "::/64");
}

TEST(AddressGroup, TextThatIsNoAddressIsKeptAsItIs) {
    EXPECT_EQ(address_group(""), "");
    EXPECT_EQ(address_group("not:an:address:at:all:!"), "not:an:address:at:all:!");
}

}  // namespace
}  // namespace ts::broker
