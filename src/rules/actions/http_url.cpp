#include "rules/actions/http_url.hpp"
#include "core/percent_encode.hpp"

#include <algorithm>

namespace ts::rules::actions {

namespace {

bool is_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Unexpected<std::string> bad(std::string_view why) {
    return unexpected("must be an http:// or https:// URL (" + std::string(why) + ")");
}

}  // namespace

std::string HttpUrl::host_header() const {
    const bool v6 = host.find(':') != std::string::npos;
    std::string h = v6 ? "[" + host + "]" : host;
    if (port != (tls ? "443" : "80")) h += ":" + port;
    return h;
}

Expected<HttpUrl, std::string> parse_http_url(std::string_view url) {
    HttpUrl out;
    if (url.starts_with("http://")) {
        url.remove_prefix(7);
    } else if (url.starts_with("https://")) {
        url.remove_prefix(8);
        out.tls = true;
    } else {
        return unexpected(std::string("must be an http:// or https:// URL"));
    }
    const auto end = url.find_first_of("/?#");
    const std::string_view authority = url.substr(0, end);
    std::string_view rest = end == std::string_view::npos ? "" : url.substr(end);
    if (authority.find("${") != std::string_view::npos)
        return bad("${...} is allowed in the path only");
    if (authority.find('@') != std::string_view::npos)
        return bad("credentials belong in an Authorization header");
    if (const auto hash = rest.find('#'); hash != std::string_view::npos)
        rest = rest.substr(0, hash);  // fragments never reach the server

    std::string_view port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return bad("unclosed '[' in the host");
        out.host = std::string(authority.substr(1, close - 1));
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (!after.starts_with(':')) return bad("junk after the host");
            port = after.substr(1);
            if (port.empty()) return bad("empty port");
        }
    } else {
        const auto colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            if (port.empty()) return bad("empty port");
        }
    }
    if (out.host.empty()) return bad("no host");
    if (out.host.find_first_of(" \t\r\n/\\") != std::string::npos) return bad("invalid host");
    if (!port.empty()) {
        if (!is_digits(port) || port.size() > 5) return bad("invalid port");
        const auto n = std::stoul(std::string(port));
        if (n == 0 || n > 65535) return bad("invalid port");
        out.port = std::string(port);
    } else {
        out.port = out.tls ? "443" : "80";
    }
    out.target = rest.empty() ? "/" : std::string(rest);
    if (out.target.front() == '?') out.target.insert(0, "/");
    return out;
}

Expected<std::string, std::string> encode_url_value(std::string_view value,
                                                    std::string_view before) {
    const bool in_query = before.find('?') != std::string_view::npos;
    if (!in_query && (value == "." || value == ".."))
        return unexpected("a value of '" + std::string(value) + "' may not form a path segment");
    return percent_encode(value, is_unreserved_uri_byte);
}

std::string encode_request_target(std::string_view rendered) {
    return percent_encode(rendered, [](unsigned char c) {
        return c > 0x20 && c < 0x7F &&
               std::string_view("\"<>\\^`{|}").find(static_cast<char>(c)) == std::string_view::npos;
    });
}

}  // namespace ts::rules::actions
