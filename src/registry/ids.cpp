#include "registry/ids.hpp"

#include <openssl/rand.h>

#include <string_view>

namespace ts::registry {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// The largest multiple of 62 below 256: bytes at or above it are dropped so
// that every character is equally likely (a plain `% 62` favours the first
// eight).
constexpr unsigned kAcceptBelow = 256 - 256 % kAlphabet.size();

Result<std::string> with_prefix(std::string_view prefix, std::size_t total) {
    auto tail = random_alnum(total - prefix.size());
    if (!tail) return tail;
    return std::string(prefix) + *tail;
}

}  // namespace

Result<std::string> random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        return unexpected(RegistryError{Errc::StorageError, "random number generator failed"});
    return out;
}

Result<std::string> random_alnum(std::size_t n) {
    std::string out;
    out.reserve(n);
    while (out.size() < n) {
        // About 3% of bytes are rejected; ask for a little more than needed.
        auto bytes = random_bytes(n - out.size() + 8);
        if (!bytes) return bytes;
        for (const char c : *bytes) {
            const auto b = static_cast<unsigned char>(c);
            if (b >= kAcceptBelow) continue;
            out.push_back(kAlphabet[b % kAlphabet.size()]);
            if (out.size() == n) break;
        }
    }
    return out;
}

Result<std::string> generate_product_key() {
    return with_prefix("a1", kProductKeyLength);
}

Result<std::string> generate_product_secret() {
    return random_alnum(kProductSecretLength);
}

Result<std::string> generate_device_secret() {
    return random_alnum(kDeviceSecretLength);
}

Result<std::string> generate_device_name() {
    return random_alnum(kGeneratedDeviceNameLength);
}

}  // namespace ts::registry
