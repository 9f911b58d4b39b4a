// The offline parts of pub/sub: addresses, identities, signing, message lines.
#include <gtest/gtest.h>

#include "app/cli/pubsub.hpp"
#include "core/base64.hpp"
#include "registry/signing.hpp"

namespace ts::app::cli {
namespace {

TEST(CliPubSub, HostPort) {
    EXPECT_EQ(*parse_host_port("127.0.0.1:1884", "1883"),
              std::make_pair(std::string("127.0.0.1"), std::string("1884")));
    EXPECT_EQ(*parse_host_port("broker", "8883"),
              std::make_pair(std::string("broker"), std::string("8883")));
    EXPECT_EQ(*parse_host_port("[::1]:1", "1883"),
              std::make_pair(std::string("::1"), std::string("1")));
    EXPECT_FALSE(parse_host_port(":1883", "1883"));
    EXPECT_FALSE(parse_host_port("h:", "1883"));
    EXPECT_FALSE(parse_host_port("h:0", "1883"));
    EXPECT_FALSE(parse_host_port("h:99999", "1883"));
    EXPECT_FALSE(parse_host_port("::1", "1883"));
}

TEST(CliPubSub, IdentityChoice) {
    EXPECT_EQ(choose_identity("", "", "", "", "")->kind, Identity::Kind::Anonymous);
    auto app = choose_identity("", "", "", "", "envtok");
    EXPECT_EQ(app->kind, Identity::Kind::Application);
    EXPECT_EQ(app->token, "envtok");
    EXPECT_EQ(choose_identity("", "", "", "flag", "env")->token, "flag");
    // A device wins over the environment's token, never over --token.
    EXPECT_EQ(choose_identity("pk", "dn", "s", "", "env")->kind, Identity::Kind::Device);
    EXPECT_FALSE(choose_identity("pk", "dn", "s", "flag", ""));
    auto missing = choose_identity("pk", "", "", "", "");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("--device, --secret"), std::string::npos) << missing.error();
}

TEST(CliPubSub, DeviceSignsLikeAlibaba) {
    Identity who;
    who.kind = Identity::Kind::Device;
    who.product_key = "a1B2c3";
    who.device_name = "lamp";
    who.device_secret = "sekret";
    MqttConnectOptions o;
    apply_identity(who, 1700000000000, "x", o);
    EXPECT_EQ(o.client_id,
              "a1B2c3.lamp|securemode=3,signmethod=hmacsha256,timestamp=1700000000000|");
    EXPECT_EQ(*o.username, "lamp&a1B2c3");
    EXPECT_EQ(o.password->size(), 64u);  // hex SHA-256
    // The registry's verifier (what the broker runs) accepts it.
    auto id = registry::parse_signed_client_id(o.client_id);
    auto user = registry::parse_device_username(*o.username);
    ASSERT_TRUE(id && user);
    EXPECT_TRUE(registry::verify_password(*id, *user, "sekret", *o.password));
    EXPECT_FALSE(registry::verify_password(*id, *user, "wrong", *o.password));
    // The content Alibaba documents for this clientId.
    EXPECT_EQ(*o.password, *registry::sign("hmacsha256", "sekret",
                                           "clientIda1B2c3.lampdeviceNamelampproductKeya1B2c3"
                                           "timestamp1700000000000"));

    MqttConnectOptions tls;
    tls.tls = true;
    apply_identity(who, 1, "x", tls);
    EXPECT_NE(tls.client_id.find("securemode=2,"), std::string::npos);
}

TEST(CliPubSub, ApplicationAndAnonymous) {
    Identity app;
    app.kind = Identity::Kind::Application;
    app.token = "tok";
    MqttConnectOptions o;
    apply_identity(app, 1, "42", o);
    EXPECT_EQ(o.client_id, "app-cli-42");
    EXPECT_EQ(*o.username, "app");
    EXPECT_EQ(*o.password, "tok");
    MqttConnectOptions a;
    apply_identity(Identity{}, 1, "42", a);
    EXPECT_EQ(a.client_id, "cli-42");
    EXPECT_FALSE(a.username);
    EXPECT_FALSE(a.password);
}

TEST(CliPubSub, MessageLines) {
    mqtt::Publish p;
    p.topic = "/pk/dn/user/update";
    p.payload = SharedBuffer::copy_of("{\"t\":1}");
    p.qos = mqtt::QoS::AtLeastOnce;
    EXPECT_EQ(format_message(p, false), "/pk/dn/user/update {\"t\":1}");
    auto j = nlohmann::json::parse(format_message(p, true));
    EXPECT_EQ(j, (nlohmann::json{{"topic", "/pk/dn/user/update"},
                                 {"payload", "{\"t\":1}"},
                                 {"qos", 1},
                                 {"retain", false}}));
    p.payload = SharedBuffer::copy_of(std::string("\xff\x00\x01", 3));
    auto b = nlohmann::json::parse(format_message(p, true));
    EXPECT_EQ(b["payload"], "/wAB");
    EXPECT_EQ(b["payloadEncoding"], "base64");
}

TEST(CliPubSub, Base64) {
    EXPECT_EQ(ts::base64_encode(""), "");
    EXPECT_EQ(ts::base64_encode("f"), "Zg==");
    EXPECT_EQ(ts::base64_encode("fo"), "Zm8=");
    EXPECT_EQ(ts::base64_encode("foo"), "Zm9v");
    EXPECT_EQ(ts::base64_encode("foobar"), "Zm9vYmFy");
}

}  // namespace
}  // namespace ts::app::cli
