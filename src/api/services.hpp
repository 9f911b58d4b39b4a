#pragma once
// The services the API needs from layers it may not link against. The caller
// owns the interface (STYLE.md 3): the API declares what it needs, app/ plugs
// the broker in, and the API's tests plug in recording fakes.
#include <string>

#include "core/expected.hpp"

namespace ts::api {

// Publishes a message as if a trusted server-side client had sent it.
class MessagePublisher {
public:
    virtual ~MessagePublisher() = default;
    // The error string says why the broker refused the message.
    virtual Expected<void, std::string> publish(const std::string& topic, std::string payload,
                                                int qos, bool retain) = 0;
};

// The platform's metrics in the Prometheus text exposition format.
class MetricsSource {
public:
    virtual ~MetricsSource() = default;
    virtual std::string prometheus_text() = 0;
};

}  // namespace ts::api
