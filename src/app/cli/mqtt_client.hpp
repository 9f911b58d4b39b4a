#pragma once
// A small synchronous MQTT client on Boost.Asio and our own codec: connect
// (TCP or TLS), publish QoS 0/1, subscribe, receive with keep-alive,
// disconnect. Every call blocks until done or until its deadline. One
// thread, one connection, no reconnects: enough for the CLI and for a
// device simulator.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "mqtt/packets.hpp"

namespace ts::app::cli {

struct MqttConnectOptions {
    std::string host = "127.0.0.1";
    std::string port = "1883";
    bool tls = false;
    std::string ca_file;  // TLS: empty means the system's trust store
    bool tls_verify = true;
    mqtt::ProtocolVersion version = mqtt::ProtocolVersion::v311;
    std::string client_id;
    std::optional<std::string> username;
    std::optional<std::string> password;
    std::uint16_t keep_alive_s = 60;
    bool clean_session = true;
    // Bounds the connect and each acknowledged step (PUBACK, SUBACK).
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

struct MqttError {
    std::string message;                     // ready for "thingstead: <message>"
    std::optional<mqtt::ReasonCode> reason;  // when the server said no
};

template <typename T>
using MqttResult = Expected<T, MqttError>;

// "bad user name or password (0x86)" for 5.0; for 3.1.1, whose CONNACK has
// its own codes, "bad user name or password (return code 4)".
std::string describe_connack(mqtt::ReasonCode rc, mqtt::ProtocolVersion version);

class MqttClient {
public:
    MqttClient();
    ~MqttClient();
    MqttClient(const MqttClient&) = delete;
    MqttClient& operator=(const MqttClient&) = delete;

    // TCP (and TLS) connect, CONNECT, CONNACK. A refusal is an error whose
    // message starts "connection refused: ".
    MqttResult<void> connect(const MqttConnectOptions& options);

    // QoS 0 returns once written; QoS 1 waits for the PUBACK (and fails on
    // a 5.0 error reason).
    MqttResult<void> publish(std::string_view topic, std::string_view payload, mqtt::QoS qos,
                             bool retain);

    // Waits for the SUBACK; the granted QoS, or an error for a refusal (0x80).
    MqttResult<mqtt::QoS> subscribe(std::string_view filter, mqtt::QoS qos);

    // The next message; nullopt when `deadline` passes first. Acknowledges
    // QoS 1 messages and sends PINGREQ at keep-alive/2 while waiting.
    MqttResult<std::optional<mqtt::Publish>> receive(
        std::chrono::steady_clock::time_point deadline);

    // DISCONNECT (best effort) and close. Also done by the destructor.
    void disconnect();

    bool connected() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ts::app::cli
