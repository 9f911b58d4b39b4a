#pragma once
// What the broker asks of whoever decides who may connect and which topics
// they may use. The broker declares it; app/ plugs in the device registry.
// Every call runs on an event-loop thread and must not block on I/O.
#include <memory>
#include <string>
#include <string_view>

#include "core/shared_buffer.hpp"
#include "mqtt/packets.hpp"

namespace ts::broker {

struct ClientIdentity {
    enum class Kind { Anonymous, Device, Application };
    Kind kind = Kind::Anonymous;
    std::string product_key;  // devices
    std::string device_name;  // devices
    std::string name;         // for logs: "pk/dn", "app:backend", "anonymous"
};

using IdentityPtr = std::shared_ptr<const ClientIdentity>;

struct AuthRequest {
    const mqtt::Connect& connect;
    std::string_view remote_address;
    std::string_view transport;  // "tcp", "tls", "ws", "wss"
};

struct AuthResult {
    mqtt::ReasonCode reason = mqtt::ReasonCode::Success;
    IdentityPtr identity;
    // The key of the session and of "one connection per client": empty means
    // the client id. Devices use their identity, since SDKs put a fresh
    // timestamp into the client id on every connection.
    std::string session_key;
    // Sent as the Assigned Client Identifier (5.0) when set: SDKs that let
    // the server choose send a client id with an empty identifier part.
    std::string assigned_client_id;
    std::string why;  // for the log when refused
    // The authenticator logged the refusal itself (summarising repeated
    // ones), so the broker does not log it again.
    bool logged = false;
};

class Authenticator {
public:
    virtual ~Authenticator() = default;
    virtual AuthResult authenticate(const AuthRequest& req) = 0;
    virtual bool may_publish(const ClientIdentity& who, std::string_view topic) = 0;
    virtual bool may_subscribe(const ClientIdentity& who, std::string_view filter) = 0;
};

// Told when a client's connection becomes its current one and when that
// connection ends (a takeover reports the new one online, and no offline
// for the old one).
class ConnectionObserver {
public:
    virtual ~ConnectionObserver() = default;
    virtual void on_online(const ClientIdentity& who, std::string_view client_ip) = 0;
    virtual void on_offline(const ClientIdentity& who, std::string_view client_ip) = 0;
};

// Sees every message a device publishes (after the ACL check and after the
// message is routed to subscribers), on the publisher's event-loop thread:
// the thing layer answers Alink requests from here. Must not block.
class MessageTap {
public:
    virtual ~MessageTap() = default;
    virtual void on_device_message(const ClientIdentity& who, const std::string& topic,
                                   const SharedBuffer& payload) = 0;
};

}  // namespace ts::broker
