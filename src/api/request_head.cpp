#include "api/request_head.hpp"

#include <boost/beast/core/string.hpp>
#include <string_view>

namespace ts::api {
namespace {

namespace http = boost::beast::http;

ApiError malformed(std::string_view why) {
    return ApiError{400, "MalformedRequest", "malformed HTTP request: " + std::string(why)};
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::optional<ApiError> check_request_head(const http::request_header<>& head) {
    if (head.version() >= 11 && head.count(http::field::host) != 1)
        return malformed(head.count(http::field::host) == 0
                             ? "an HTTP/1.1 request needs a Host header"
                             : "more than one Host header");
    // Beast frames a body as chunked when the last coding is "chunked" and
    // reads anything else as no body; only the one coding it decodes is
    // accepted (a compressed or repeated coding is refused, not guessed at).
    auto codings = head.equal_range(http::field::transfer_encoding);
    std::size_t count = 0;
    for (auto it = codings.first; it != codings.second; ++it) {
        ++count;
        std::string_view value(it->value().data(), it->value().size());
        if (count > 1 || !boost::beast::iequals(trimmed(value), "chunked"))
            return malformed("Transfer-Encoding must be exactly \"chunked\"");
    }
    // HTTP/1.0 has no chunked coding: its framing would be faulty (§6.1).
    if (count > 0 && head.version() < 11)
        return malformed("Transfer-Encoding in an HTTP/1.0 request");
    return std::nullopt;
}

}  // namespace ts::api
