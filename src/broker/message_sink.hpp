#pragma once
// A consumer inside the platform (the rules engine) that takes messages from
// the subscription index like a session, but is called synchronously on the
// routing thread instead of being queued: it must not block.
#include <string_view>

#include "broker/authenticator.hpp"
#include "broker/message.hpp"

namespace ts::broker {

class MessageSink {
public:
    virtual ~MessageSink() = default;
    // `publisher` is null for messages the platform published itself;
    // `client_ip` is empty then.
    virtual void on_message(const Message& msg, const ClientIdentity* publisher,
                            std::string_view client_ip) = 0;
};

}  // namespace ts::broker
