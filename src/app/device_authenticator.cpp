#include "app/device_authenticator.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <charconv>
#include <cstdlib>

#include "core/log.hpp"
#include "registry/signing.hpp"
#include "registry/topic_acl.hpp"

namespace ts::app {

namespace {
using broker::AuthResult;
using broker::ClientIdentity;
using mqtt::ReasonCode;

const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("auth");
    return l;
}

constexpr const char* kRefusalLabels[] = {
    "no_credentials", "bad_token",       "bad_username",  "bad_client_id", "reserved_client_id",
    "unknown_device", "disabled_device", "bad_signature", "clock_skew",    "insecure_transport",
};
static_assert(std::size(kRefusalLabels) == static_cast<std::size_t>(Refusal::Count));

bool equal_secret(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Application clients sign in as "app" or "app:{name}" with the API token.
std::optional<std::string> application_name(std::string_view username) {
    if (username == "app") return std::string("app");
    if (username.starts_with("app:") && username.size() > 4) return std::string(username);
    return std::nullopt;
}

// Whom a sign-in claims to be, for the throttle: the username (a device's is
// "{dn}&{pk}"), or the client id of a client without one.
std::string claimed_identity(const mqtt::Connect& c) {
    return c.username ? "u:" + *c.username : "c:" + c.client_id;
}

// securemode=2 is Alibaba's "TLS"; such a device expects its secret-derived
// password never to cross the network in clear text.
bool over_tls(std::string_view transport) {
    return transport == "tls" || transport == "wss";
}

const broker::IdentityPtr& anonymous_identity() {
    // Every anonymous client has the same identity: one object for all of
    // them (idle connections are counted in bytes).
    static const broker::IdentityPtr anonymous = std::make_shared<const ClientIdentity>(
        ClientIdentity{ClientIdentity::Kind::Anonymous, {}, {}, "anonymous"});
    return anonymous;
}
}  // namespace

DeviceAuthenticator::DeviceAuthenticator(registry::Registry& registry, AuthSettings settings,
                                         const Clock& clock)
    : registry_(registry),
      settings_(std::move(settings)),
      clock_(clock),
      throttle_(settings_.throttle, clock),
      refusal_log_(clock, {settings_.refusal_log_interval_ms, 10'000}) {}

AuthResult DeviceAuthenticator::authenticate(const broker::AuthRequest& req) {
    const std::string identity = claimed_identity(req.connect);
    if (auto block = throttle_.blocked(req.remote_address, identity);
        block != SignInThrottle::Block::None) {
        AuthResult r;
        r.reason = ReasonCode::Banned;
        if (block == SignInThrottle::Block::Address) {
            throttled_address_.fetch_add(1, std::memory_order_relaxed);
            r.why = "too many failed sign-ins from this address";
        } else {
            throttled_identity_.fetch_add(1, std::memory_order_relaxed);
            r.why = "too many failed sign-ins with this identity from this address";
        }
        log_refusal(req, r);
        r.logged = true;
        return r;
    }
    auto [r, why] = check(req);
    if (r.reason == ReasonCode::Success) return r;
    refused_[static_cast<std::size_t>(why)].fetch_add(1, std::memory_order_relaxed);
    log_refusal(req, r);
    r.logged = true;
    auto started = throttle_.record_failure(req.remote_address, identity);
    if (started != SignInThrottle::Block::None) {
        const auto& t = throttle_.settings();
        logger()->warn(
            "remote={} blocked for {} s: {}", req.remote_address, t.block_s,
            started == SignInThrottle::Block::Address
                ? fmt::format("{} failed sign-ins from this address", t.address_fail_limit)
                : fmt::format("{} failed sign-ins as {}", t.fail_limit,
                              clip_for_log(identity.substr(2))));
    }
    return r;
}

void DeviceAuthenticator::log_refusal(const broker::AuthRequest& req, const AuthResult& r) {
    // Summaries first: intervals that ended with refusals not yet written.
    for (const auto& s : refusal_log_.sweep())
        logger()->info("remote={} {} more sign-ins refused", s.key, s.suppressed);
    auto v = refusal_log_.admit(req.remote_address);
    if (!v.write) return;
    std::string more;
    if (v.suppressed > 0) more = fmt::format(" ({} more refused before this one)", v.suppressed);
    if (v.others) more += " (many addresses refused: later ones counted together)";
    const auto& c = req.connect;
    logger()->info("remote={} client={} user={} refused: {} ({}){}", req.remote_address,
                   clip_for_log(c.client_id), c.username ? clip_for_log(*c.username) : "-",
                   clip_for_log(r.why, 200), mqtt::to_string(r.reason), more);
}

DeviceAuthenticator::Checked DeviceAuthenticator::refuse(ReasonCode rc, Refusal why,
                                                         std::string text) {
    Checked out;
    out.result.reason = rc;
    out.result.why = std::move(text);
    out.why = why;
    return out;
}

DeviceAuthenticator::Checked DeviceAuthenticator::check(const broker::AuthRequest& req) {
    auto accept = [&](broker::IdentityPtr identity) {
        // An application or anonymous client keys its session by its client
        // id: a device's session key or an identifier the broker hands out
        // would take that session over.
        if (is_reserved_client_id(req.connect.client_id))
            return refuse(ReasonCode::ClientIdentifierNotValid, Refusal::ReservedClientId,
                          "client id is reserved for the platform (device:…, ts-{hex}-{n})");
        Checked out;
        out.result.identity = std::move(identity);
        return out;
    };
    const auto& c = req.connect;
    if (!c.username) {
        if (!settings_.allow_anonymous)
            return refuse(ReasonCode::BadUserNameOrPassword, Refusal::NoCredentials,
                          "no credentials and anonymous access is off");
        return accept(anonymous_identity());
    }
    const std::string& username = *c.username;
    if (auto app = application_name(username)) {
        if (!c.password || settings_.admin_token.empty() ||
            !equal_secret(*c.password, settings_.admin_token))
            return refuse(ReasonCode::BadUserNameOrPassword, Refusal::BadToken,
                          "wrong API token for " + *app);
        return accept(std::make_shared<const ClientIdentity>(
            ClientIdentity{ClientIdentity::Kind::Application, {}, {}, *app}));
    }
    auto user = registry::parse_device_username(username);
    if (!user) {
        // A development listener accepts any other username as anonymous.
        if (settings_.allow_anonymous) return accept(anonymous_identity());
        return refuse(ReasonCode::BadUserNameOrPassword, Refusal::BadUsername,
                      "username must be {deviceName}&{productKey} or app[:name]");
    }
    if (settings_.allow_anonymous && (!registry::parse_signed_client_id(c.client_id) ||
                                      !registry_.find_device(user->product_key, user->device_name)))
        // A development listener lets unregistered devices in anonymously;
        // a registered one must still prove who it is.
        return accept(anonymous_identity());
    return check_device(req, *user);
}

DeviceAuthenticator::Checked DeviceAuthenticator::check_device(
    const broker::AuthRequest& req, const registry::DeviceUsername& user) {
    const auto& c = req.connect;
    const std::string name = user.product_key + "/" + user.device_name;
    auto id = registry::parse_signed_client_id(c.client_id);
    if (!id)
        return refuse(ReasonCode::ClientIdentifierNotValid, Refusal::BadClientId,
                      "clientId has no |parameters| block");
    if (auto mode = id->params.find("securemode");
        mode != id->params.end() && mode->second == "2" && !over_tls(req.transport))
        return refuse(ReasonCode::NotAuthorized, Refusal::InsecureTransport,
                      fmt::format("securemode=2 (TLS) claimed over plain {}", req.transport));
    auto device = registry_.find_device(user.product_key, user.device_name);
    if (!device)
        return refuse(ReasonCode::NotAuthorized, Refusal::UnknownDevice, "unknown device " + name);
    if (!device->enabled)
        return refuse(ReasonCode::NotAuthorized, Refusal::DisabledDevice,
                      "device " + name + " is disabled");
    if (!c.password || !registry::verify_password(*id, user, device->device_secret, *c.password))
        return refuse(ReasonCode::BadUserNameOrPassword, Refusal::BadSignature,
                      "signature does not match for " + name);
    // Only now is the timestamp known to be the device's own.
    if (auto skew = clock_skew_error(*id))
        return refuse(ReasonCode::BadUserNameOrPassword, Refusal::ClockSkew,
                      *skew + " for " + name);

    Checked out;
    auto& r = out.result;
    r.identity = std::make_shared<const ClientIdentity>(
        ClientIdentity{ClientIdentity::Kind::Device, user.product_key, user.device_name, name});
    // One connection per device, whatever the clientId's timestamp says.
    r.session_key = device_session_key(user.product_key, user.device_name);
    if (id->client_id.empty() && c.version == mqtt::ProtocolVersion::v5)
        r.assigned_client_id = user.product_key + "." + user.device_name;
    return out;
}

std::optional<std::string> DeviceAuthenticator::clock_skew_error(
    const registry::SignedClientId& id) const {
    if (settings_.max_clock_skew_s == 0) return std::nullopt;
    auto ts = id.params.find("timestamp");
    if (ts == id.params.end()) return "no signed timestamp (max_clock_skew_s is set)";
    std::int64_t value = 0;
    const auto& text = ts->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 0)
        return "timestamp is not a number";
    // SDKs send milliseconds (npm, C) or seconds (Python): 10^11 ms is 1973,
    // 10^11 s the year 5138.
    const std::int64_t ms = value >= 100'000'000'000 ? value : value * 1000;
    const std::int64_t off = ms - clock_.wall_ms();
    if (std::llabs(off) <= std::int64_t{settings_.max_clock_skew_s} * 1000) return std::nullopt;
    return fmt::format("timestamp {} s off the server's clock (max_clock_skew_s = {})", off / 1000,
                       settings_.max_clock_skew_s);
}

bool DeviceAuthenticator::may_publish(const ClientIdentity& who, std::string_view topic) {
    // Applications and anonymous clients publish anywhere but where only the
    // platform speaks (device status, $SYS, forwarded device data).
    if (who.kind != ClientIdentity::Kind::Device) return !is_platform_topic(topic);
    auto classes = registry_.topic_classes(who.product_key);
    static const std::vector<registry::TopicClass> none;
    return registry::device_may(registry::Action::Publish, who.product_key, who.device_name, topic,
                                classes ? *classes : none);
}

bool DeviceAuthenticator::may_subscribe(const ClientIdentity& who, std::string_view filter) {
    if (who.kind != ClientIdentity::Kind::Device) return true;
    auto classes = registry_.topic_classes(who.product_key);
    static const std::vector<registry::TopicClass> none;
    return registry::device_may(registry::Action::Subscribe, who.product_key, who.device_name,
                                filter, classes ? *classes : none);
}

std::uint64_t DeviceAuthenticator::refused(Refusal why) const {
    return refused_[static_cast<std::size_t>(why)].load(std::memory_order_relaxed);
}

std::uint64_t DeviceAuthenticator::throttled() const {
    return throttled_identity_.load(std::memory_order_relaxed) +
           throttled_address_.load(std::memory_order_relaxed);
}

std::string DeviceAuthenticator::prometheus_text() const {
    std::string out =
        "# HELP thingstead_auth_refused_total MQTT sign-ins refused, by reason (throttled ones "
        "not included).\n# TYPE thingstead_auth_refused_total counter\n";
    for (std::size_t i = 0; i < refused_.size(); ++i)
        out += fmt::format("thingstead_auth_refused_total{{reason=\"{}\"}} {}\n", kRefusalLabels[i],
                           refused_[i].load(std::memory_order_relaxed));
    out +=
        "# HELP thingstead_auth_throttled_total MQTT sign-ins refused because their identity or "
        "address is blocked after failures.\n# TYPE thingstead_auth_throttled_total counter\n";
    out += fmt::format("thingstead_auth_throttled_total{{scope=\"identity\"}} {}\n",
                       throttled_identity_.load(std::memory_order_relaxed));
    out += fmt::format("thingstead_auth_throttled_total{{scope=\"address\"}} {}\n",
                       throttled_address_.load(std::memory_order_relaxed));
    return out;
}

}  // namespace ts::app
