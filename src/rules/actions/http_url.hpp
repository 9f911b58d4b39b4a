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

// One ${...} value of a URL template, encoded for the part of the URL it
// lands in (`before`: the target rendered so far). Only the unreserved bytes
// (A-Z a-z 0-9 - . _ ~) stay as they are; every other byte is %XX, so a value
// cannot add path segments, start or split a query, add parameters or a
// fragment, or smuggle an escape ('%' itself is encoded): in the path it is
// one segment's text, in the query one name's or value's text. A value of
// "." or ".." in the path is refused (a server would take it as a step up).
Expected<std::string, std::string> encode_url_value(std::string_view value,
                                                    std::string_view before);

}  // namespace ts::rules::actions
