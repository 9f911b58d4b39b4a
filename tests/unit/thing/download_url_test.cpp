// Download URLs as devices get them: the configured public URL, or the
// address the device reached the server on; never the scheme's default port
// (Alibaba's C SDK 3.x fails on "host:80").
#include <gtest/gtest.h>

#include "thing/download_url.hpp"

namespace ts::thing {
namespace {

TEST(DownloadUrl, DerivedFromTheAddressTheDeviceReached) {
    DownloadUrlSettings s;
    s.http_port = 8080;
    EXPECT_EQ(download_base_url(s, "192.168.1.20"), "http://192.168.1.20:8080");
    EXPECT_EQ(download_base_url(s, "fd00::5"), "http://[fd00::5]:8080");
    s.http_port = 80;
    EXPECT_EQ(download_base_url(s, "192.168.1.20"), "http://192.168.1.20");
}

TEST(DownloadUrl, FallbackWhenNoDeviceIsInView) {
    DownloadUrlSettings s;
    s.http_port = 9000;
    EXPECT_EQ(download_base_url(s, ""), "http://127.0.0.1:9000");
    s.fallback_host = "10.0.0.1";
    EXPECT_EQ(download_base_url(s, ""), "http://10.0.0.1:9000");
}

TEST(DownloadUrl, PublicUrlWinsWithoutTheDefaultPort) {
    DownloadUrlSettings s;
    s.public_url = "https://iot.example.com";
    EXPECT_EQ(download_base_url(s, "192.168.1.20"), "https://iot.example.com");
    s.public_url = "https://iot.example.com:443/";
    EXPECT_EQ(download_base_url(s, ""), "https://iot.example.com");
    s.public_url = "http://iot.example.com:80/base/";
    EXPECT_EQ(download_base_url(s, ""), "http://iot.example.com/base");
    s.public_url = "http://[fd00::1]:80";
    EXPECT_EQ(download_base_url(s, ""), "http://[fd00::1]");
    // Other ports are kept, as is :80 on https.
    s.public_url = "http://iot.example.com:8080";
    EXPECT_EQ(download_base_url(s, ""), "http://iot.example.com:8080");
    s.public_url = "https://iot.example.com:80";
    EXPECT_EQ(download_base_url(s, ""), "https://iot.example.com:80");
}

}  // namespace
}  // namespace ts::thing
