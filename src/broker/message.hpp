#pragma once
// An application message as routed by the broker: immutable once published,
// shared by pointer between every subscriber it is delivered to.
#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/shared_buffer.hpp"
#include "mqtt/packets.hpp"

namespace ts::broker {

struct Message {
    std::string topic;
    SharedBuffer payload;
    mqtt::QoS qos = mqtt::QoS::AtMostOnce;
    bool retain = false;
    // Properties forwarded to subscribers (topic alias and subscription
    // identifiers removed); null when the publisher sent none.
    std::shared_ptr<const mqtt::Properties> properties;
    Millis expiry_at = 0;          // monotonic; 0: never expires
    const void* origin = nullptr;  // the publishing session, for No Local
    // Published by a rule's republish action: not fed to rules again, so
    // that a rule whose output matches its own FROM cannot loop.
    bool from_rule = false;
    // Published by the platform itself (publish_from_platform: status,
    // accepted posts, replies, API messages), not by a client or a client's
    // will: what live views may trust as the platform's word.
    bool from_platform = false;
};

using MessagePtr = std::shared_ptr<const Message>;

}  // namespace ts::broker
