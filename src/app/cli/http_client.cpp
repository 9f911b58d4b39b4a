// Beast offers deadlines only on asynchronous operations (tcp_stream's
// expiry), so each step is started asynchronously and the private
// io_context is run until it finishes: synchronous to the caller, bounded by
// one deadline for connect + TLS + request + reply.
#include "app/cli/http_client.hpp"
#include "core/percent_encode.hpp"

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdint>

namespace ts::app::cli {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::uint64_t kMaxReplyBody = 64ull * 1024 * 1024;

struct Reply {
    unsigned status = 0;
    std::string reason;
    std::string body;
};

ApiError transport_error(const ServerUrl& s, std::string_view what, const beast::error_code& ec) {
    std::string where = (s.tls ? "https://" : "http://") + s.host + ":" + s.port;
    if (ec == beast::error::timeout)
        return ApiError{0, "", "timed out " + std::string(what) + " " + where};
    return ApiError{0, "",
                    "cannot reach " + where + " (" + std::string(what) + "): " + ec.message()};
}

// Starts one asynchronous operation and runs the loop until it completes;
// the stream's expiry turns a missed deadline into beast::error::timeout.
template <typename Start>
beast::error_code run(asio::io_context& ioc, Start start) {
    beast::error_code result;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
}

template <typename Stream>
Expected<Reply, ApiError> exchange(asio::io_context& ioc, Stream& stream,
                                   http::request<http::string_body>& req, const ServerUrl& s) {
    if (auto ec = run(ioc, [&](auto h) { http::async_write(stream, req, std::move(h)); }))
        return unexpected(transport_error(s, "sending the request to", ec));
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxReplyBody);
    if (auto ec = run(ioc, [&](auto h) { http::async_read(stream, buffer, parser, std::move(h)); }))
        return unexpected(transport_error(s, "reading the reply from", ec));
    auto& res = parser.get();
    return Reply{res.result_int(), std::string(res.reason()), std::move(res.body())};
}

http::verb to_verb(Method m) {
    switch (m) {
        case Method::Get:
            return http::verb::get;
        case Method::Post:
            return http::verb::post;
        case Method::Put:
            return http::verb::put;
        case Method::Patch:
            return http::verb::patch;
        case Method::Delete:
            return http::verb::delete_;
    }
    return http::verb::get;
}

bool is_digits(std::string_view s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Expected<ServerUrl, std::string> parse_server_url(std::string_view url) {
    ServerUrl out;
    if (url.starts_with("http://")) {
        url.remove_prefix(7);
    } else if (url.starts_with("https://")) {
        url.remove_prefix(8);
        out.tls = true;
    } else {
        return unexpected(std::string("server URL must start with http:// or https://"));
    }
    const auto slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? "" : url.substr(slash);
    while (path.ends_with('/')) path.remove_suffix(1);
    if (path.find_first_of("?#") != std::string_view::npos)
        return unexpected(std::string("server URL may not have a query or fragment"));
    out.base_path = std::string(path);

    std::string_view port;
    if (authority.starts_with('[')) {  // [v6]:port
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return unexpected(std::string("server URL has an unclosed '[' in its host"));
        out.host = std::string(authority.substr(1, close - 1));
        std::string_view rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (!rest.starts_with(':'))
                return unexpected(std::string("server URL has junk after the host"));
            port = rest.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
        if (colon != std::string_view::npos && port.empty())
            return unexpected(std::string("server URL has an empty port"));
    }
    if (out.host.empty()) return unexpected(std::string("server URL has no host"));
    if (authority.find('@') != std::string_view::npos)
        return unexpected(std::string("server URL may not carry credentials; use --token"));
    if (!port.empty() &&
        (!is_digits(port) || port.size() > 5 || std::stoul(std::string(port)) == 0 ||
         std::stoul(std::string(port)) > 65535))
        return unexpected("server URL has an invalid port \"" + std::string(port) + "\"");
    out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
    return out;
}

std::string url_encode(std::string_view s) {
    return percent_encode(s, is_unreserved_uri_byte);
}

std::string describe(const ApiError& e) {
    if (e.status == 0) return e.message;
    std::string out = std::to_string(e.status) + " " + e.code;
    if (!e.message.empty()) out += ": " + e.message;
    return out;
}

ApiError error_from_reply(unsigned status, std::string_view reason, std::string_view body) {
    ApiError e{status, "", ""};
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.contains("code") && j["code"].is_string()) {
        e.code = j["code"].get<std::string>();
        if (j.contains("message") && j["message"].is_string())
            e.message = j["message"].get<std::string>();
        return e;
    }
    // Not the API speaking (a proxy, a wrong URL): keep what there is.
    e.code = reason.empty() ? "HTTPError" : std::string(reason);
    std::string text(body.substr(0, 200));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    e.message = std::move(text);
    return e;
}

HttpClient::HttpClient(ServerUrl server, std::string token, std::chrono::milliseconds timeout)
    : server_(std::move(server)), token_(std::move(token)), timeout_(timeout) {}

Expected<nlohmann::json, ApiError> HttpClient::call(Method method, const std::string& path,
                                                    const std::optional<nlohmann::json>& body) {
    http::request<http::string_body> req{to_verb(method), server_.base_path + path, 11};
    const bool default_port = server_.port == (server_.tls ? "443" : "80");
    const std::string host =
        server_.host.find(':') != std::string::npos ? "[" + server_.host + "]" : server_.host;
    req.set(http::field::host, default_port ? host : host + ":" + server_.port);
    req.set(http::field::user_agent, "thingstead-cli");
    req.set(http::field::accept, "application/json");
    if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
    if (body) {
        req.set(http::field::content_type, "application/json");
        req.body() = body->dump();
    }
    req.keep_alive(false);
    req.prepare_payload();

    asio::io_context ioc;
    const auto deadline = std::chrono::steady_clock::now() + timeout_;
    // Name resolution has no asynchronous deadline worth the code here: the
    // server is almost always an address or a name in /etc/hosts.
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    auto endpoints = resolver.resolve(server_.host, server_.port, ec);
    if (ec) return unexpected(transport_error(server_, "resolving", ec));

    Expected<Reply, ApiError> reply = unexpected(ApiError{});
    if (!server_.tls) {
        beast::tcp_stream stream(ioc);
        stream.expires_at(deadline);
        if (auto e = run(ioc, [&](auto h) { stream.async_connect(endpoints, std::move(h)); }))
            return unexpected(transport_error(server_, "connecting to", e));
        reply = exchange(ioc, stream, req, server_);
        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    } else {
        asio::ssl::context ctx(asio::ssl::context::tls_client);
        ctx.set_default_verify_paths();
        ctx.set_verify_mode(asio::ssl::verify_peer);
        beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
        stream.set_verify_callback(asio::ssl::host_name_verification(server_.host));
        // SNI, so a reverse proxy in front of the platform picks the right
        // certificate.
        SSL_set_tlsext_host_name(stream.native_handle(), server_.host.c_str());
        beast::get_lowest_layer(stream).expires_at(deadline);
        if (auto e = run(ioc, [&](auto h) {
                beast::get_lowest_layer(stream).async_connect(endpoints, std::move(h));
            }))
            return unexpected(transport_error(server_, "connecting to", e));
        if (auto e = run(ioc, [&](auto h) {
                stream.async_handshake(asio::ssl::stream_base::client, std::move(h));
            }))
            return unexpected(transport_error(server_, "in the TLS handshake with", e));
        reply = exchange(ioc, stream, req, server_);
    }
    if (!reply) return unexpected(reply.error());

    if (reply->status < 200 || reply->status >= 300)
        return unexpected(error_from_reply(reply->status, reply->reason, reply->body));
    if (reply->body.empty()) return nlohmann::json::object();
    auto j = nlohmann::json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        return unexpected(ApiError{reply->status, "InvalidReply", "the reply is not JSON"});
    return j;
}

}  // namespace ts::app::cli
