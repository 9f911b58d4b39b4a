#include <gtest/gtest.h>

#include "registry/errc.hpp"
#include "registry/model.hpp"

namespace ts::registry {
namespace {

TEST(Model, RoundTripsApiSpellings) {
    for (auto v : {NodeType::Device, NodeType::Gateway})
        EXPECT_EQ(parse_node_type(to_string(v)), v);
    for (auto v : {DataFormat::Alink, DataFormat::Raw})
        EXPECT_EQ(parse_data_format(to_string(v)), v);
    for (auto v : {AuthType::Secret, AuthType::X509}) EXPECT_EQ(parse_auth_type(to_string(v)), v);
    for (auto v : {DeviceStatus::Inactive, DeviceStatus::Online, DeviceStatus::Offline,
                   DeviceStatus::Disabled}) {
        EXPECT_EQ(parse_device_status(to_string(v)), v);
    }
    for (auto v : {TopicPermission::Publish, TopicPermission::Subscribe, TopicPermission::All})
        EXPECT_EQ(parse_topic_permission(to_string(v)), v);
    for (auto v : {ValidationMode::Strict, ValidationMode::Lenient, ValidationMode::Off})
        EXPECT_EQ(parse_validation_mode(to_string(v)), v);
    EXPECT_EQ(to_string(NodeType::Gateway), "gateway");
    EXPECT_EQ(to_string(DataFormat::Raw), "raw");
    EXPECT_EQ(to_string(AuthType::X509), "x509");
    EXPECT_EQ(to_string(DeviceStatus::Inactive), "inactive");
    EXPECT_EQ(to_string(TopicPermission::Publish), "pub");
    EXPECT_EQ(to_string(TopicPermission::Subscribe), "sub");
    EXPECT_EQ(to_string(TopicPermission::All), "all");
    EXPECT_FALSE(parse_node_type("Device"));
    EXPECT_FALSE(parse_topic_permission("publish"));
    EXPECT_EQ(to_string(ValidationMode::Strict), "strict");
    EXPECT_EQ(to_string(ValidationMode::Lenient), "lenient");
    EXPECT_EQ(to_string(ValidationMode::Off), "off");
    EXPECT_FALSE(parse_validation_mode("Strict"));
    EXPECT_FALSE(parse_validation_mode(""));
    EXPECT_FALSE(parse_device_status(""));
}

TEST(Model, DeviceStatus) {
    Device d;
    EXPECT_EQ(d.status(), DeviceStatus::Inactive);
    d.online = true;
    d.first_online_time = 1;
    EXPECT_EQ(d.status(), DeviceStatus::Online);
    d.online = false;
    EXPECT_EQ(d.status(), DeviceStatus::Offline);
    d.enabled = false;
    EXPECT_EQ(d.status(), DeviceStatus::Disabled);
}

TEST(Errc, StatusAndCode) {
    EXPECT_EQ(http_status(Errc::InvalidArgument), 400);
    EXPECT_EQ(to_api_code(Errc::InvalidArgument), "InvalidArgument");
    EXPECT_EQ(http_status(Errc::DeviceNotFound), 404);
    EXPECT_EQ(to_api_code(Errc::DeviceNotFound), "DeviceNotFound");
    EXPECT_EQ(to_api_code(Errc::ProductNotFound), "ProductNotFound");
    EXPECT_EQ(to_api_code(Errc::TopicClassNotFound), "TopicClassNotFound");
    EXPECT_EQ(http_status(Errc::DeviceExists), 409);
    EXPECT_EQ(to_api_code(Errc::DeviceExists), "DeviceAlreadyExists");
    EXPECT_EQ(to_api_code(Errc::ProductExists), "ProductAlreadyExists");
    EXPECT_EQ(to_api_code(Errc::TopicClassExists), "TopicClassAlreadyExists");
    EXPECT_EQ(http_status(Errc::ProductHasDevices), 409);
    EXPECT_EQ(to_api_code(Errc::ProductHasDevices), "ProductHasDevices");
    EXPECT_EQ(http_status(Errc::LimitExceeded), 400);
    EXPECT_EQ(to_api_code(Errc::LimitExceeded), "LimitExceeded");
    EXPECT_EQ(http_status(Errc::StorageError), 500);
    EXPECT_EQ(to_api_code(Errc::StorageError), "InternalError");
}

}  // namespace
}  // namespace ts::registry
