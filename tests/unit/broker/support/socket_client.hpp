#pragma once
// A blocking MQTT client on a real TCP socket, for tests that run the broker
// with its threads and listener (broker_threads_test): packets encoded and
// decoded with the broker's own codec.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqtt/codec.hpp"

namespace ts::broker::testing {

class SocketClient {
public:
    SocketClient(std::uint16_t port, mqtt::ProtocolVersion v = mqtt::ProtocolVersion::v311);
    ~SocketClient();
    SocketClient(const SocketClient&) = delete;
    SocketClient& operator=(const SocketClient&) = delete;

    void send(const mqtt::Packet& p);
    // The next packet, or nothing when the broker closed the connection or
    // nothing came within `timeout_ms`.
    std::optional<mqtt::Packet> read(int timeout_ms = 10'000);
    // CONNECT and its CONNACK's reason (0xFF when none came).
    std::uint8_t connect(const mqtt::Connect& c, bool* session_present = nullptr);
    void close();

private:
    int fd_ = -1;
    mqtt::ProtocolVersion version_;
    std::vector<std::uint8_t> buf_;
};

}  // namespace ts::broker::testing
