#include "app/device_authenticator.hpp"

#include <openssl/crypto.h>

#include "core/log.hpp"
#include "registry/signing.hpp"
#include "registry/topic_acl.hpp"

namespace ts::app {

namespace {
using broker::AuthResult;
using broker::ClientIdentity;
using mqtt::ReasonCode;

AuthResult refuse(ReasonCode rc, std::string why) {
    AuthResult r;
    r.reason = rc;
    r.why = std::move(why);
    return r;
}

bool equal_secret(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Application clients sign in as "app" or "app:{name}" with the API token.
std::optional<std::string> application_name(std::string_view username) {
    if (username == "app") return std::string("app");
    if (username.starts_with("app:") && username.size() > 4) return std::string(username);
    return std::nullopt;
}
}  // namespace

DeviceAuthenticator::DeviceAuthenticator(registry::Registry& registry, AuthSettings settings,
                                         const Clock& clock)
    : registry_(registry), settings_(std::move(settings)), clock_(clock) {}

AuthResult DeviceAuthenticator::authenticate(const broker::AuthRequest& req) {
    std::string address(req.remote_address);
    if (throttled(address))
        return refuse(ReasonCode::Banned, "too many failed sign-ins from this address");
    auto r = check(req);
    if (r.reason == ReasonCode::BadUserNameOrPassword || r.reason == ReasonCode::NotAuthorized ||
        r.reason == ReasonCode::ClientIdentifierNotValid)
        record_failure(address);
    return r;
}

AuthResult DeviceAuthenticator::check(const broker::AuthRequest& req) {
    const auto& c = req.connect;
    if (!c.username) {
        if (!settings_.allow_anonymous)
            return refuse(ReasonCode::BadUserNameOrPassword,
                          "no credentials and anonymous access is off");
        // Every anonymous client has the same identity: one object for all
        // of them (idle connections are counted in bytes).
        static const broker::IdentityPtr anonymous = std::make_shared<const ClientIdentity>(
            ClientIdentity{ClientIdentity::Kind::Anonymous, {}, {}, "anonymous"});
        AuthResult r;
        r.identity = anonymous;
        return r;
    }
    const std::string& username = *c.username;
    if (auto app = application_name(username)) {
        if (!c.password || settings_.admin_token.empty() ||
            !equal_secret(*c.password, settings_.admin_token))
            return refuse(ReasonCode::BadUserNameOrPassword, "wrong API token for " + *app);
        AuthResult r;
        r.identity = std::make_shared<const ClientIdentity>(
            ClientIdentity{ClientIdentity::Kind::Application, {}, {}, *app});
        return r;
    }
    auto user = registry::parse_device_username(username);
    if (!user) {
        if (settings_.allow_anonymous) {
            // A development listener accepts any other username as anonymous.
            AuthResult r;
            r.identity = std::make_shared<const ClientIdentity>(
                ClientIdentity{ClientIdentity::Kind::Anonymous, {}, {}, "anonymous"});
            return r;
        }
        return refuse(ReasonCode::BadUserNameOrPassword,
                      "username must be {deviceName}&{productKey} or app[:name]");
    }
    auto id = registry::parse_signed_client_id(c.client_id);
    auto device = registry_.find_device(user->product_key, user->device_name);
    if ((!id || !device) && settings_.allow_anonymous) {
        // A development listener lets unregistered devices in anonymously;
        // a registered one must still prove who it is.
        AuthResult r;
        r.identity = std::make_shared<const ClientIdentity>(
            ClientIdentity{ClientIdentity::Kind::Anonymous, {}, {}, "anonymous"});
        return r;
    }
    if (!id)
        return refuse(ReasonCode::ClientIdentifierNotValid, "clientId has no |parameters| block");
    if (!device)
        return refuse(ReasonCode::NotAuthorized,
                      "unknown device " + user->product_key + "/" + user->device_name);
    if (!device->enabled)
        return refuse(ReasonCode::NotAuthorized,
                      "device " + user->product_key + "/" + user->device_name + " is disabled");
    if (!c.password || !registry::verify_password(*id, *user, device->device_secret, *c.password))
        return refuse(
            ReasonCode::BadUserNameOrPassword,
            "signature does not match for " + user->product_key + "/" + user->device_name);

    AuthResult r;
    r.identity = std::make_shared<const ClientIdentity>(
        ClientIdentity{ClientIdentity::Kind::Device, user->product_key, user->device_name,
                       user->product_key + "/" + user->device_name});
    // One connection per device, whatever the clientId's timestamp says.
    r.session_key = device_session_key(user->product_key, user->device_name);
    if (id->client_id.empty() && c.version == mqtt::ProtocolVersion::v5)
        r.assigned_client_id = user->product_key + "." + user->device_name;
    return r;
}

bool DeviceAuthenticator::may_publish(const ClientIdentity& who, std::string_view topic) {
    if (who.kind != ClientIdentity::Kind::Device) return true;
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

bool DeviceAuthenticator::throttled(const std::string& address) {
    std::lock_guard lock(failures_mutex_);
    auto it = failures_.find(address);
    return it != failures_.end() && it->second.blocked_until > clock_.now_ms();
}

void DeviceAuthenticator::record_failure(const std::string& address) {
    if (settings_.fail_limit == 0) return;
    Millis now = clock_.now_ms();
    std::lock_guard lock(failures_mutex_);
    if (failures_.size() > 100'000) failures_.clear();  // bounded under a spray of addresses
    auto& f = failures_[address];
    if (now - f.window_start > Millis{settings_.fail_window_s} * 1000) {
        f.window_start = now;
        f.count = 0;
    }
    if (++f.count >= settings_.fail_limit) {
        f.blocked_until = now + Millis{settings_.block_s} * 1000;
        f.count = 0;
        log::get("auth")->warn("remote={} blocked for {} s after {} failed sign-ins", address,
                               settings_.block_s, settings_.fail_limit);
    }
}

}  // namespace ts::app
