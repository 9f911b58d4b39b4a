// DeviceAuthenticator over a real SQLite registry in a temporary directory:
// the platform's reserved client ids and topics, securemode=2 over plain
// TCP, the optional clock-skew check, throttling per identity, counters.
#include "app/device_authenticator.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "../support/temp_dir.hpp"
#include "registry/signing.hpp"
#include "registry/sqlite_registry.hpp"

namespace ts::app {
namespace {

using mqtt::ReasonCode;
constexpr const char* kToken = "admin-token-for-tests";

class DeviceAuth : public ::testing::Test {
protected:
    void SetUp() override {
        auto reg =
            registry::open_sqlite_registry(dir_.file("registry.db"), std::string(32, 'k'), clock_);
        ASSERT_TRUE(reg.has_value()) << reg.error().message;
        registry_ = std::move(*reg);
        registry::ProductSpec spec;
        spec.name = "lamp";
        auto product = registry_->create_product(spec);
        ASSERT_TRUE(product.has_value()) << product.error().message;
        pk_ = product->product_key;
        for (const char* dn : {"lamp01", "lamp02"}) {
            auto device = registry_->register_device(pk_, dn);
            ASSERT_TRUE(device.has_value()) << device.error().message;
            secrets_[dn] = device->device_secret;
        }
    }

    std::unique_ptr<DeviceAuthenticator> make(AuthSettings s = {}) {
        s.admin_token = kToken;
        return std::make_unique<DeviceAuthenticator>(*registry_, std::move(s), clock_);
    }

    // A CONNECT signed as Alibaba's SDKs sign it.
    mqtt::Connect device_connect(const std::string& dn, std::string params,
                                 const std::string& secret_suffix = "") {
        mqtt::Connect c;
        c.client_id = pk_ + "." + dn + "|" + params + "|";
        c.username = dn + "&" + pk_;
        auto id = registry::parse_signed_client_id(c.client_id);
        auto content = registry::signing_content(*id, {dn, pk_});
        c.password = *registry::sign("hmacsha256", secrets_[dn] + secret_suffix, content);
        return c;
    }
    static mqtt::Connect app_connect(std::string client_id, std::string token = kToken) {
        mqtt::Connect c;
        c.client_id = std::move(client_id);
        c.username = "app";
        c.password = std::move(token);
        return c;
    }

    static broker::AuthResult auth(DeviceAuthenticator& a, const mqtt::Connect& c,
                                   std::string_view transport = "tcp",
                                   std::string_view address = "10.0.0.1") {
        return a.authenticate({c, address, transport});
    }

    test::TempDir dir_;
    ManualClock clock_;
    std::unique_ptr<registry::Registry> registry_;
    std::string pk_;
    std::map<std::string, std::string> secrets_;
};

TEST_F(DeviceAuth, ApplicationsMayNotTakeTheFormsOfDeviceSessionsOrAssignedIds) {
    auto a = make();
    for (const std::string& id : {device_session_key(pk_, "lamp01"), std::string("ts-1f2e3d-4")}) {
        auto r = auth(*a, app_connect(id));
        EXPECT_EQ(r.reason, ReasonCode::ClientIdentifierNotValid) << id;
        EXPECT_TRUE(r.logged);
    }
    EXPECT_EQ(a->refused(Refusal::ReservedClientId), 2u);
    EXPECT_EQ(auth(*a, app_connect("backend-1")).reason, ReasonCode::Success);
}

TEST_F(DeviceAuth, AnonymousClientsMayNotTakeThemEither) {
    AuthSettings s;
    s.allow_anonymous = true;
    auto a = make(s);
    mqtt::Connect c;
    c.client_id = device_session_key(pk_, "lamp01");
    EXPECT_EQ(auth(*a, c).reason, ReasonCode::ClientIdentifierNotValid);
    c.client_id = "anon-1";
    EXPECT_EQ(auth(*a, c).reason, ReasonCode::Success);
}

TEST_F(DeviceAuth, OnlyThePlatformPublishesToItsOwnTopics) {
    auto a = make();
    const broker::ClientIdentity app{broker::ClientIdentity::Kind::Application, {}, {}, "app"};
    const broker::ClientIdentity anon{broker::ClientIdentity::Kind::Anonymous, {}, {}, "anonymous"};
    for (const auto* who : {&app, &anon}) {
        EXPECT_FALSE(a->may_publish(*who, "$SYS/broker/uptime"));
        EXPECT_FALSE(a->may_publish(*who, "/as/mqtt/status/" + pk_ + "/lamp01"));
        EXPECT_FALSE(a->may_publish(*who, "/" + pk_ + "/lamp01/thing/event/property/post"));
        EXPECT_TRUE(a->may_publish(*who, "/" + pk_ + "/lamp01/user/get"));
        EXPECT_TRUE(a->may_publish(*who, "/sys/" + pk_ + "/lamp01/thing/service/property/set"));
        EXPECT_TRUE(a->may_subscribe(*who, "$SYS/#"));
        EXPECT_TRUE(a->may_subscribe(*who, "/as/mqtt/status/#"));
    }
}

TEST_F(DeviceAuth, SecuremodeTwoNeedsTls) {
    auto a = make();
    auto c = device_connect("lamp01", "securemode=2,signmethod=hmacsha256,timestamp=2524608000000");
    auto plain = auth(*a, c, "tcp");
    EXPECT_EQ(plain.reason, ReasonCode::NotAuthorized);
    EXPECT_NE(plain.why.find("securemode=2"), std::string::npos) << plain.why;
    EXPECT_EQ(auth(*a, c, "ws").reason, ReasonCode::NotAuthorized);
    EXPECT_EQ(auth(*a, c, "tls").reason, ReasonCode::Success);
    EXPECT_EQ(auth(*a, c, "wss").reason, ReasonCode::Success);
    EXPECT_EQ(a->refused(Refusal::InsecureTransport), 2u);
    auto three = device_connect("lamp01", "securemode=3,signmethod=hmacsha256,timestamp=1");
    EXPECT_EQ(auth(*a, three, "tcp").reason, ReasonCode::Success);
}

TEST_F(DeviceAuth, ClockSkewIsNotCheckedByDefault) {
    auto a = make();
    for (const char* ts : {"2524608000000", "1", "1700000000"}) {
        auto c = device_connect("lamp01",
                                std::string("securemode=3,signmethod=hmacsha256,timestamp=") + ts);
        EXPECT_EQ(auth(*a, c).reason, ReasonCode::Success) << ts;
    }
    EXPECT_EQ(auth(*a, device_connect("lamp01", "securemode=3,signmethod=hmacsha256")).reason,
              ReasonCode::Success);
}

TEST_F(DeviceAuth, WithMaxClockSkewAStaleMissingOrFutureTimestampIsRefused) {
    AuthSettings s;
    s.max_clock_skew_s = 300;
    s.throttle.fail_limit = 0;
    auto a = make(s);
    const Millis now = clock_.wall_ms();
    auto with_ts = [&](const std::string& ts) {
        return auth(*a,
                    device_connect("lamp01", "securemode=3,signmethod=hmacsha256,timestamp=" + ts))
            .reason;
    };
    EXPECT_EQ(with_ts(std::to_string(now)), ReasonCode::Success) << "ms, now";
    EXPECT_EQ(with_ts(std::to_string(now - 299'000)), ReasonCode::Success) << "ms, 299 s old";
    EXPECT_EQ(with_ts(std::to_string(now / 1000 + 200)), ReasonCode::Success) << "s (Python)";
    EXPECT_EQ(with_ts(std::to_string(now - 301'000)), ReasonCode::BadUserNameOrPassword);
    EXPECT_EQ(with_ts(std::to_string(now + 301'000)), ReasonCode::BadUserNameOrPassword);
    EXPECT_EQ(with_ts("2524608000000"), ReasonCode::BadUserNameOrPassword) << "C SDK constant";
    EXPECT_EQ(with_ts("12ab"), ReasonCode::BadUserNameOrPassword);
    EXPECT_EQ(auth(*a, device_connect("lamp01", "securemode=3,signmethod=hmacsha256")).reason,
              ReasonCode::BadUserNameOrPassword)
        << "no timestamp";
    EXPECT_EQ(a->refused(Refusal::ClockSkew), 5u);
    // A wrong signature stays a signature failure, whatever its timestamp.
    auto forged = device_connect("lamp01", "securemode=3,signmethod=hmacsha256,timestamp=1", "x");
    EXPECT_EQ(auth(*a, forged).reason, ReasonCode::BadUserNameOrPassword);
    EXPECT_EQ(a->refused(Refusal::BadSignature), 1u);
    // The clock moves on: a CONNECT accepted now is refused when replayed later.
    auto fresh = device_connect(
        "lamp01", "securemode=3,signmethod=hmacsha256,timestamp=" + std::to_string(now));
    EXPECT_EQ(auth(*a, fresh).reason, ReasonCode::Success);
    clock_.advance(301'000);
    EXPECT_EQ(auth(*a, fresh).reason, ReasonCode::BadUserNameOrPassword);
}

TEST_F(DeviceAuth, AWrongSecretBlocksThatDeviceNotItsNatNeighbours) {
    AuthSettings s;
    s.throttle.fail_limit = 3;
    auto a = make(s);
    auto bad = device_connect("lamp01", "securemode=3,signmethod=hmacsha256,timestamp=1", "x");
    auto good = device_connect("lamp02", "securemode=3,signmethod=hmacsha256,timestamp=1");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(auth(*a, bad).reason, ReasonCode::BadUserNameOrPassword);
    auto blocked = auth(*a, bad);
    EXPECT_EQ(blocked.reason, ReasonCode::Banned);
    EXPECT_TRUE(blocked.logged);
    EXPECT_EQ(auth(*a, good).reason, ReasonCode::Success);
    EXPECT_EQ(auth(*a, app_connect("backend")).reason, ReasonCode::Success);
    EXPECT_EQ(a->throttled(), 1u);
    auto text = a->prometheus_text();
    EXPECT_NE(text.find("thingstead_auth_refused_total{reason=\"bad_signature\"} 3\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("thingstead_auth_throttled_total{scope=\"identity\"} 1\n"),
              std::string::npos)
        << text;
}

}  // namespace
}  // namespace ts::app
