#pragma once
// A synchronous JSON client for the management API (Boost.Beast): one
// request per connection, one deadline for the whole exchange, bearer token,
// and API error bodies ({"code", "message"}) turned into ApiError values.
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/expected.hpp"

namespace ts::app::cli {

struct ServerUrl {
    bool tls = false;
    std::string host;
    std::string port;       // always set: from the URL or the scheme's default
    std::string base_path;  // path prefix without a trailing '/', usually empty
};

// "http[s]://host[:port][/prefix]"; IPv6 hosts in brackets. The error names
// what is wrong with the URL.
Expected<ServerUrl, std::string> parse_server_url(std::string_view url);

// Percent-encodes everything outside RFC 3986's unreserved set, so product
// keys, device names and topics ('/', '$', '{') survive as one path segment
// or query value.
std::string url_encode(std::string_view s);

enum class Method { Get, Post, Put, Patch, Delete };

struct ApiError {
    unsigned status = 0;  // 0: no HTTP reply (connection, TLS, timeout)
    std::string code;     // the API's stable code, e.g. "ProductNotFound"
    std::string message;
};

// "<status> <code>: <message>" for API replies; the message alone otherwise.
std::string describe(const ApiError& e);

// The error a non-2xx reply stands for. Bodies that are not the API's error
// shape (a proxy's HTML page) keep the status and use the reason phrase.
ApiError error_from_reply(unsigned status, std::string_view reason, std::string_view body);

class HttpClient {
public:
    HttpClient(ServerUrl server, std::string token,
               std::chrono::milliseconds timeout = std::chrono::seconds(30));

    // `path` starts with '/' and is appended to the URL's prefix, query
    // string included. An empty 2xx body comes back as an empty object.
    Expected<nlohmann::json, ApiError> call(Method method, const std::string& path,
                                            const std::optional<nlohmann::json>& body = {});

private:
    ServerUrl server_;
    std::string token_;
    std::chrono::milliseconds timeout_;
};

}  // namespace ts::app::cli
