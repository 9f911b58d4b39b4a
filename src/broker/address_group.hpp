#pragma once
// The unit a per-address limit counts by: an IPv4 address as it is, an IPv6
// address by its /64 (one subscriber line or host usually owns a whole /64,
// so counting single IPv6 addresses would let one host use 2^64 of them).
#include <string>
#include <string_view>

namespace ts::broker {

// "192.0.2.7" -> "192.0.2.7"; "2001:db8:1:2:a:b:c:d" -> "2001:db8:1:2::/64";
// "::ffff:192.0.2.7" -> "192.0.2.7". Text that is no address is returned as
// it is.
std::string address_group(std::string_view ip);

}  // namespace ts::broker
