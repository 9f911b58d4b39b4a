#pragma once
// Recognising a TLS ClientHello, so the plain MQTT port can refuse a client
// that speaks TLS to it with a clear log line instead of a decode error.
#include <cstdint>
#include <span>

namespace ts::net {

// True when `first_bytes` (the start of what the client sent, at least 3
// bytes) is a TLS handshake record: 0x16, version 0x03 0x00..0x04, and, when
// present, a plausible record length and the ClientHello message type. MQTT
// cannot start that way (0x16 would be CONNECT with reserved flags set).
bool looks_like_tls_client_hello(std::span<const std::uint8_t> first_bytes);

}  // namespace ts::net
