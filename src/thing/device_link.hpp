#pragma once
// What the thing layer needs from the broker: app/ plugs the broker in, the
// thing layer's tests plug in a recording fake.
#include <string>

namespace ts::thing {

class DeviceLink {
public:
    virtual ~DeviceLink() = default;
    // Sends a system downlink to the device's own connection, whether or not
    // it subscribed to the topic (Alibaba's C SDKs do not). False when the
    // device is not connected.
    virtual bool send_to_device(const std::string& pk, const std::string& dn, std::string topic,
                                std::string payload, int qos) = 0;
    // Publishes for server-side subscribers (forwarded data, call replies).
    virtual void publish(std::string topic, std::string payload) = 0;
    // The address ("ip", no port) the device's connection reached this
    // server on, i.e. the server as the device sees it; empty when the
    // device is not connected or the transport does not know.
    virtual std::string server_address(const std::string& /*pk*/, const std::string& /*dn*/) {
        return {};
    }
};

}  // namespace ts::thing
