#include "net/tls_sniff.hpp"

namespace ts::net {

bool looks_like_tls_client_hello(std::span<const std::uint8_t> b) {
    constexpr std::uint8_t kHandshakeRecord = 0x16;
    constexpr std::uint8_t kClientHello = 0x01;
    constexpr std::size_t kMaxRecord = (1u << 14) + 2048;  // TLSCiphertext limit
    if (b.size() < 3) return false;
    if (b[0] != kHandshakeRecord || b[1] != 0x03 || b[2] > 0x04) return false;
    if (b.size() >= 5) {
        std::size_t length = (std::size_t{b[3]} << 8) | b[4];
        if (length == 0 || length > kMaxRecord) return false;
    }
    if (b.size() >= 6 && b[5] != kClientHello) return false;
    return true;
}

}  // namespace ts::net
