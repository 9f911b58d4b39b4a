#pragma once
// What HTTP/1.1 demands of a request head beyond what Beast's parser checks,
// decided before any body is read: a Host header (exactly one, RFC 9112
// §3.2), and a Transfer-Encoding that is exactly "chunked" when present
// (RFC 9112 §6.1: another coding is a body this server cannot frame, and
// reading it as "no body" would take the body for the next request).
#include <boost/beast/http/message.hpp>
#include <optional>

#include "api/errors.hpp"

namespace ts::api {

// nullopt when the head may be served; otherwise 400 MalformedRequest saying
// why (the connection is then closed: the rest of the stream is not framed).
std::optional<ApiError> check_request_head(const boost::beast::http::request_header<>& head);

}  // namespace ts::api
