#pragma once
// Authenticated encryption of secrets at rest: AES-256-GCM under the master
// key, a fresh random 12-byte nonce per value, stored as
// nonce || ciphertext || 16-byte tag. The associated data binds a sealed
// value to its row (e.g. "pk/dn"), so a value copied into another row fails
// to open instead of handing one device another's secret.
#include <string>
#include <string_view>

#include "registry/registry.hpp"

namespace ts::registry {

inline constexpr std::size_t kMasterKeyBytes = 32;

class SecretBox {
public:
    // `key` must be exactly 32 bytes.
    static Result<SecretBox> create(std::string_view key);

    SecretBox(SecretBox&& other) noexcept;
    SecretBox& operator=(SecretBox&& other) noexcept;
    SecretBox(const SecretBox&) = delete;
    SecretBox& operator=(const SecretBox&) = delete;
    ~SecretBox();

    Result<std::string> seal(std::string_view plain, std::string_view aad) const;
    // Fails on a wrong key, a changed byte or different associated data.
    Result<std::string> open(std::string_view sealed, std::string_view aad) const;

private:
    explicit SecretBox(std::string key) : key_(std::move(key)) {}
    void wipe();

    std::string key_;
};

// Hex helpers shared by the master key loader and page tokens.
std::string to_hex(std::string_view bytes);
// Decodes `hex` into `out`; false when it is not an even-length hex string.
bool from_hex(std::string_view hex, std::string& out);

}  // namespace ts::registry
