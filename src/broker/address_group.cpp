#include "broker/address_group.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace ts::broker {

std::string address_group(std::string_view ip) {
    if (ip.find(':') == std::string_view::npos || ip.size() >= INET6_ADDRSTRLEN)
        return std::string(ip);
    char text[INET6_ADDRSTRLEN] = {};
    std::memcpy(text, ip.data(), ip.size());
    std::array<unsigned char, 16> a{};
    if (inet_pton(AF_INET6, text, a.data()) != 1) return std::string(ip);
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char out[INET6_ADDRSTRLEN] = {};
    if (std::memcmp(a.data(), kMapped, sizeof kMapped) == 0) {
        inet_ntop(AF_INET, a.data() + 12, out, sizeof out);
        return out;
    }
    std::memset(a.data() + 8, 0, 8);
    inet_ntop(AF_INET6, a.data(), out, sizeof out);
    std::string group(out);
    // inet_ntop writes the zeroed half as "::" (or "::0" forms it compresses
    // elsewhere); the suffix says what the key stands for.
    return group + "/64";
}

}  // namespace ts::broker
