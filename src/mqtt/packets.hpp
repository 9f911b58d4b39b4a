#pragma once
// The MQTT control packets of 3.1.1 and 5.0 as plain values. Fields that exist
// only in 5.0 (reason codes, properties) are ignored when encoding 3.1.1.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/shared_buffer.hpp"
#include "mqtt/properties.hpp"
#include "mqtt/reason_code.hpp"

namespace ts::mqtt {

enum class ProtocolVersion : std::uint8_t {
    v31 = 3,  // "MQIsdp"; accepted and treated as 3.1.1
    v311 = 4,
    v5 = 5,
};

enum class PacketType : std::uint8_t {
    Connect = 1,
    Connack = 2,
    Publish = 3,
    Puback = 4,
    Pubrec = 5,
    Pubrel = 6,
    Pubcomp = 7,
    Subscribe = 8,
    Suback = 9,
    Unsubscribe = 10,
    Unsuback = 11,
    Pingreq = 12,
    Pingresp = 13,
    Disconnect = 14,
    Auth = 15,
};

enum class QoS : std::uint8_t { AtMostOnce = 0, AtLeastOnce = 1, ExactlyOnce = 2 };

struct Will {
    std::string topic;
    SharedBuffer payload;
    QoS qos = QoS::AtMostOnce;
    bool retain = false;
    Properties properties;  // will properties (5.0)
    bool operator==(const Will&) const = default;
};

struct Connect {
    ProtocolVersion version = ProtocolVersion::v311;
    bool clean_start = true;  // "clean session" in 3.1.1
    std::uint16_t keep_alive = 0;
    std::string client_id;
    std::optional<Will> will;
    std::optional<std::string> username;
    std::optional<std::string> password;  // binary data
    Properties properties;
    bool operator==(const Connect&) const = default;
};

struct Connack {
    bool session_present = false;
    ReasonCode reason = ReasonCode::Success;
    Properties properties;
    bool operator==(const Connack&) const = default;
};

struct Publish {
    bool dup = false;
    QoS qos = QoS::AtMostOnce;
    bool retain = false;
    std::string topic;            // may be empty in 5.0 when a topic alias is used
    std::uint16_t packet_id = 0;  // present only for QoS 1 and 2
    SharedBuffer payload;
    Properties properties;
    bool operator==(const Publish&) const = default;
};

// PUBACK, PUBREC, PUBREL, PUBCOMP share one shape.
struct PubResponse {
    PacketType type = PacketType::Puback;
    std::uint16_t packet_id = 0;
    ReasonCode reason = ReasonCode::Success;
    Properties properties;
    bool operator==(const PubResponse&) const = default;
};

enum class RetainHandling : std::uint8_t {
    SendAtSubscribe = 0,
    SendAtSubscribeIfNew = 1,
    DoNotSend = 2,
};

struct SubscriptionOptions {
    QoS max_qos = QoS::AtMostOnce;
    bool no_local = false;
    bool retain_as_published = false;
    RetainHandling retain_handling = RetainHandling::SendAtSubscribe;
    bool operator==(const SubscriptionOptions&) const = default;
};

struct TopicSubscription {
    std::string filter;
    SubscriptionOptions options;
    bool operator==(const TopicSubscription&) const = default;
};

struct Subscribe {
    std::uint16_t packet_id = 0;
    std::vector<TopicSubscription> topics;
    Properties properties;
    bool operator==(const Subscribe&) const = default;
};

struct Suback {
    std::uint16_t packet_id = 0;
    std::vector<ReasonCode> reasons;  // 3.1.1: 0,1,2 or 0x80
    Properties properties;
    bool operator==(const Suback&) const = default;
};

struct Unsubscribe {
    std::uint16_t packet_id = 0;
    std::vector<std::string> filters;
    Properties properties;
    bool operator==(const Unsubscribe&) const = default;
};

struct Unsuback {
    std::uint16_t packet_id = 0;
    std::vector<ReasonCode> reasons;  // 5.0 only; 3.1.1 UNSUBACK has none
    Properties properties;
    bool operator==(const Unsuback&) const = default;
};

struct Pingreq {
    bool operator==(const Pingreq&) const = default;
};
struct Pingresp {
    bool operator==(const Pingresp&) const = default;
};

struct Disconnect {
    ReasonCode reason = ReasonCode::Success;
    Properties properties;
    bool operator==(const Disconnect&) const = default;
};

struct Auth {
    ReasonCode reason = ReasonCode::Success;
    Properties properties;
    bool operator==(const Auth&) const = default;
};

using Packet = std::variant<Connect, Connack, Publish, PubResponse, Subscribe, Suback, Unsubscribe,
                            Unsuback, Pingreq, Pingresp, Disconnect, Auth>;

}  // namespace ts::mqtt
