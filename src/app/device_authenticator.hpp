#pragma once
// Who may connect and which topics they may use, decided from the device
// registry: devices sign in with Alibaba's scheme, backend applications with
// the API token, anonymous clients only when the setting allows them.
#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "app/platform_names.hpp"
#include "app/signin_throttle.hpp"
#include "broker/authenticator.hpp"
#include "core/clock.hpp"
#include "core/log_limiter.hpp"
#include "registry/registry.hpp"
#include "registry/signing.hpp"

namespace ts::app {

struct AuthSettings {
    bool allow_anonymous = false;
    std::string admin_token;  // also the MQTT password of application clients
    ThrottleSettings throttle;
    // 0: off (Alibaba's C SDKs sign a constant timestamp). Otherwise a signed
    // CONNECT must carry a timestamp (ms, or s below 10^11) within this many
    // seconds of the server's clock: a captured CONNECT replays only that long.
    std::uint32_t max_clock_skew_s = 0;
    // Refused sign-ins are logged once per address per interval, with a
    // count of the others.
    Millis refusal_log_interval_ms = 10'000;
};

// Why a sign-in was refused, for the refusal counters.
enum class Refusal : std::uint8_t {
    NoCredentials,
    BadToken,
    BadUsername,
    BadClientId,
    ReservedClientId,
    UnknownDevice,
    DisabledDevice,
    BadSignature,
    ClockSkew,
    InsecureTransport,
    Count
};

class DeviceAuthenticator final : public broker::Authenticator {
public:
    DeviceAuthenticator(registry::Registry& registry, AuthSettings settings, const Clock& clock);

    broker::AuthResult authenticate(const broker::AuthRequest& req) override;
    bool may_publish(const broker::ClientIdentity& who, std::string_view topic) override;
    bool may_subscribe(const broker::ClientIdentity& who, std::string_view filter) override;

    // thingstead_auth_refused_total{reason} and thingstead_auth_throttled_total{scope}.
    std::string prometheus_text() const;
    std::uint64_t refused(Refusal why) const;
    std::uint64_t throttled() const;

private:
    struct Checked {
        broker::AuthResult result;
        Refusal why = Refusal::Count;  // Count: accepted
    };
    static Checked refuse(mqtt::ReasonCode rc, Refusal why, std::string text);
    Checked check(const broker::AuthRequest& req);
    Checked check_device(const broker::AuthRequest& req, const registry::DeviceUsername& user);
    std::optional<std::string> clock_skew_error(const registry::SignedClientId& id) const;
    void log_refusal(const broker::AuthRequest& req, const broker::AuthResult& r);

    registry::Registry& registry_;
    AuthSettings settings_;
    const Clock& clock_;
    SignInThrottle throttle_;
    LogLimiter refusal_log_;
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Refusal::Count)> refused_{};
    std::atomic<std::uint64_t> throttled_identity_{0};
    std::atomic<std::uint64_t> throttled_address_{0};
};

}  // namespace ts::app
