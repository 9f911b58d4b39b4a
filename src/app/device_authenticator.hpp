#pragma once
// Who may connect and which topics they may use, decided from the device
// registry: devices sign in with Alibaba's scheme, backend applications with
// the API token, anonymous clients only when the setting allows them.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "broker/authenticator.hpp"
#include "core/clock.hpp"
#include "registry/registry.hpp"

namespace ts::app {

// The broker session key of a device: one session per device, whatever
// client id its SDK makes up for each connection.
inline std::string device_session_key(std::string_view pk, std::string_view dn) {
    std::string k = "device:";
    k.append(pk).append("/").append(dn);
    return k;
}

struct AuthSettings {
    bool allow_anonymous = false;
    std::string admin_token;  // also the MQTT password of application clients
    // Throttling: after `fail_limit` failures from one address within
    // `fail_window_s`, that address is refused for `block_s` seconds.
    std::uint32_t fail_limit = 10;
    std::uint32_t fail_window_s = 60;
    std::uint32_t block_s = 60;
};

class DeviceAuthenticator final : public broker::Authenticator {
public:
    DeviceAuthenticator(registry::Registry& registry, AuthSettings settings, const Clock& clock);

    broker::AuthResult authenticate(const broker::AuthRequest& req) override;
    bool may_publish(const broker::ClientIdentity& who, std::string_view topic) override;
    bool may_subscribe(const broker::ClientIdentity& who, std::string_view filter) override;

private:
    broker::AuthResult check(const broker::AuthRequest& req);
    bool throttled(const std::string& address);
    void record_failure(const std::string& address);

    registry::Registry& registry_;
    AuthSettings settings_;
    const Clock& clock_;

    struct Failures {
        std::uint32_t count = 0;
        Millis window_start = 0;
        Millis blocked_until = 0;
    };
    std::mutex failures_mutex_;
    std::unordered_map<std::string, Failures> failures_;
};

}  // namespace ts::app
