#include "thing/download_url.hpp"

namespace ts::thing {

namespace {

// "scheme://authority[/path]" with ":80" (http) or ":443" (https) dropped
// from the authority; anything else is returned as it is.
std::string without_default_port(std::string url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return url;
    const std::string_view scheme(url.data(), scheme_end);
    const std::string_view default_port = scheme == "http"    ? ":80"
                                          : scheme == "https" ? ":443"
                                                              : "";
    if (default_port.empty()) return url;
    const auto host_begin = scheme_end + 3;
    auto host_end = url.find('/', host_begin);
    if (host_end == std::string::npos) host_end = url.size();
    const std::string_view authority(url.data() + host_begin, host_end - host_begin);
    if (authority.size() > default_port.size() && authority.ends_with(default_port))
        url.erase(host_end - default_port.size(), default_port.size());
    return url;
}

}  // namespace

std::string download_base_url(const DownloadUrlSettings& settings,
                              std::string_view server_address) {
    std::string url;
    if (!settings.public_url.empty()) {
        url = without_default_port(settings.public_url);
    } else {
        std::string_view host = server_address.empty() ? settings.fallback_host : server_address;
        url = "http://";
        if (host.find(':') != std::string_view::npos && !host.starts_with('['))
            url.append("[").append(host).append("]");
        else
            url.append(host);
        if (settings.http_port != 80) url.append(":").append(std::to_string(settings.http_port));
    }
    while (url.ends_with('/')) url.pop_back();
    return url;
}

}  // namespace ts::thing
