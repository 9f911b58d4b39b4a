#pragma once
// A webhook URL split into what the connection needs (scheme, host, port)
// and the request target, which may hold ${...} holes. Holes are allowed in
// the path and query only: the server a rule talks to is fixed when the
// rule is saved.
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace ts::rules::actions {

struct HttpUrl {
    bool tls = false;
    std::string host;          // without brackets for IPv6
    std::string port;          // "80"/"443" when not given
    std::string target = "/";  // path and query, a template

    // Host header value: the port only when not the scheme's default.
    std::string host_header() const;
};

Expected<HttpUrl, std::string> parse_http_url(std::string_view url);

// Percent-encodes the bytes a request target may not carry as they are
// (space, controls, non-ASCII, quotes, <>\^`{|}), so a rendered value such as
// a device name with a space still makes a valid request line; the URL's own
// / ? & = and existing %XX escapes are kept.
std::string encode_request_target(std::string_view rendered);

}  // namespace ts::rules::actions
