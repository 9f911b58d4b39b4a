#pragma once
// Generated identifiers and credentials. Everything comes from OpenSSL's
// CSPRNG: secrets obviously, and keys and names because they appear in
// topics and must not be guessable from one another.
#include <cstddef>
#include <string>

#include "registry/registry.hpp"

namespace ts::registry {

inline constexpr std::size_t kProductKeyLength = 11;
inline constexpr std::size_t kProductSecretLength = 16;
inline constexpr std::size_t kDeviceSecretLength = 32;
inline constexpr std::size_t kGeneratedDeviceNameLength = 20;

// `n` characters of [A-Za-z0-9], uniformly distributed.
Result<std::string> random_alnum(std::size_t n);
// `n` raw random bytes.
Result<std::string> random_bytes(std::size_t n);

// "a1" followed by 9 alphanumerics, like Alibaba's keys.
Result<std::string> generate_product_key();
Result<std::string> generate_product_secret();
Result<std::string> generate_device_secret();
Result<std::string> generate_device_name();

}  // namespace ts::registry
