#pragma once
// The base URL devices download files from (remote config files now): the
// platform's HTTP API as a device reaches it.
#include <cstdint>
#include <string>
#include <string_view>

namespace ts::thing {

struct DownloadUrlSettings {
    // [http] public_url, e.g. "https://iot.example.com"; empty: derived from
    // the address the device's connection reached.
    std::string public_url;
    std::uint16_t http_port = 8080;
    // Used when no device is in view (URLs shown by the management API) or
    // its connection's address is unknown.
    std::string fallback_host = "127.0.0.1";
};

// No trailing '/'. The configured public_url when set, else
// "http://{server_address or fallback_host}:{http_port}". Either way the
// port is left out when it is the scheme's default (80 for http, 443 for
// https): Alibaba's C SDK 3.x hands "host:port" to getaddrinfo and fails on
// it. IPv6 addresses are bracketed.
std::string download_base_url(const DownloadUrlSettings& settings, std::string_view server_address);

}  // namespace ts::thing
