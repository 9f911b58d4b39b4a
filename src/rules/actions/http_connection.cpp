// Beast has deadlines only on asynchronous operations (tcp_stream expiry), so
// each step is started asynchronously and the private io_context is run until
// it finishes: synchronous for the runner's thread, bounded by the deadline.
#include "rules/actions/http_connection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

namespace ts::rules::actions {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// Only the status and the start of the body matter; a larger reply is read
// anyway up to this bound so that the connection stays usable.
constexpr std::uint64_t kMaxReplyBody = 1024 * 1024;

template <typename Start>
beast::error_code run(asio::io_context& ioc, Start start) {
    beast::error_code result;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
}

bool is_ip_literal(const std::string& host) {
    beast::error_code ec;
    (void)asio::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

struct HttpConnection::Impl {
    HttpUrl url;
    bool insecure;
    asio::io_context ioc;
    ssl::context tls{ssl::context::tls_client};
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;

    Impl(HttpUrl u, bool skip_verify) : url(std::move(u)), insecure(skip_verify) {
        if (!url.tls) return;
        beast::error_code ec;
        tls.set_default_verify_paths(ec);  // a failure shows up at the handshake
        tls.set_verify_mode(insecure ? ssl::verify_none : ssl::verify_peer, ec);
    }

    std::string where() const { return (url.tls ? "https://" : "http://") + url.host_header(); }

    bool open() const { return plain.has_value() || secure.has_value(); }

    void close() {
        beast::error_code ec;
        if (plain) plain->socket().close(ec);
        if (secure) beast::get_lowest_layer(*secure).socket().close(ec);
        plain.reset();
        secure.reset();
        buffer.clear();
    }

    HttpFailure failure(std::string_view step, const beast::error_code& ec) const {
        if (ec == beast::error::timeout) return {"timed out " + std::string(step) + " " + where()};
        return {std::string(step) + " " + where() + ": " + ec.message()};
    }

    Expected<tcp::resolver::results_type, HttpFailure> resolve(Deadline deadline) {
        tcp::resolver resolver(ioc);
        asio::steady_timer timer(ioc, deadline);
        bool timed_out = false;
        timer.async_wait([&](beast::error_code ec) {
            if (!ec) {
                timed_out = true;
                resolver.cancel();
            }
        });
        beast::error_code result;
        tcp::resolver::results_type endpoints;
        resolver.async_resolve(url.host, url.port,
                               [&](beast::error_code ec, tcp::resolver::results_type r) {
                                   result = ec;
                                   endpoints = std::move(r);
                                   timer.cancel();
                               });
        ioc.restart();
        ioc.run();
        if (timed_out) return unexpected(failure("resolving", beast::error::timeout));
        if (result) return unexpected(failure("resolving", result));
        return endpoints;
    }

    Expected<void, HttpFailure> connect(Deadline deadline) {
        auto endpoints = resolve(deadline);
        if (!endpoints) return unexpected(endpoints.error());
        beast::tcp_stream& tcp_layer =
            url.tls ? beast::get_lowest_layer(secure.emplace(ioc, tls)) : plain.emplace(ioc);
        tcp_layer.expires_at(deadline);
        if (auto ec =
                run(ioc, [&](auto h) { tcp_layer.async_connect(*endpoints, std::move(h)); })) {
            close();
            return unexpected(failure("connecting to", ec));
        }
        tcp_layer.socket().set_option(tcp::no_delay(true));
        if (!url.tls) return {};

        SSL* ssl_handle = secure->native_handle();
        if (!is_ip_literal(url.host)) SSL_set_tlsext_host_name(ssl_handle, url.host.c_str());
        if (!insecure) {
            // OpenSSL checks the chain but not the name unless told which one.
            X509_VERIFY_PARAM* param = SSL_get0_param(ssl_handle);
            if (is_ip_literal(url.host))
                X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
            else
                SSL_set1_host(ssl_handle, url.host.c_str());
        }
        if (auto ec = run(ioc, [&](auto h) {
                secure->async_handshake(ssl::stream_base::client, std::move(h));
            })) {
            const long verify = SSL_get_verify_result(ssl_handle);
            close();
            if (verify != X509_V_OK)
                return unexpected(HttpFailure{
                    "TLS handshake with " + where() + ": " + X509_verify_cert_error_string(verify),
                    false});
            return unexpected(failure("TLS handshake with", ec));
        }
        return {};
    }

    template <typename Stream>
    Expected<HttpReply, HttpFailure> round_trip(Stream& stream, Request& req, Deadline deadline,
                                                bool& nothing_received) {
        beast::get_lowest_layer(stream).expires_at(deadline);
        if (auto ec = run(ioc, [&](auto h) { http::async_write(stream, req, std::move(h)); }))
            return unexpected(failure("sending to", ec));
        // Interim replies (100 Continue, 103 Early Hints) come before the
        // final one; a few are skipped, more is a broken server.
        for (int interim = 0; interim < 4; ++interim) {
            http::response_parser<http::string_body> parser;
            parser.body_limit(kMaxReplyBody);
            auto ec =
                run(ioc, [&](auto h) { http::async_read(stream, buffer, parser, std::move(h)); });
            if (ec == http::error::body_limit && parser.is_header_done()) {
                // The reply's status is known; only its (oversized) body was
                // cut. The connection is left mid-body, so it is not reused.
                auto& res = parser.get();
                HttpReply reply{res.result_int(), std::move(res.body())};
                close();
                return reply;
            }
            if (ec) {
                nothing_received = !parser.got_some();
                return unexpected(failure("reading the reply from", ec));
            }
            nothing_received = false;
            auto& res = parser.get();
            if (res.result_int() < 200) continue;
            HttpReply reply{res.result_int(), std::move(res.body())};
            if (!res.keep_alive()) close();
            return reply;
        }
        close();
        return unexpected(HttpFailure{"too many interim (1xx) replies from " + where(), true});
    }

    Expected<HttpReply, HttpFailure> once(Request& req, Deadline deadline, bool& nothing_received) {
        nothing_received = true;
        if (!open())
            if (auto ok = connect(deadline); !ok) return unexpected(ok.error());
        auto reply = secure ? round_trip(*secure, req, deadline, nothing_received)
                            : round_trip(*plain, req, deadline, nothing_received);
        if (!reply) close();
        return reply;
    }
};

HttpConnection::HttpConnection(HttpUrl url, bool insecure)
    : impl_(std::make_unique<Impl>(std::move(url), insecure)) {}

HttpConnection::~HttpConnection() = default;

Expected<HttpReply, HttpFailure> HttpConnection::exchange(Request& req, Deadline deadline) {
    try {
        req.set(http::field::host, impl_->url.host_header());
        req.keep_alive(true);
        req.prepare_payload();
        const bool reused = impl_->open();
        bool nothing_received = true;
        auto reply = impl_->once(req, deadline, nothing_received);
        // A server may close an idle keep-alive connection just as we send;
        // it then never saw the request, so one fresh try is not a
        // duplicate and should not cost the caller a retry with backoff.
        if (!reply && reused && nothing_received && std::chrono::steady_clock::now() < deadline)
            reply = impl_->once(req, deadline, nothing_received);
        return reply;
    } catch (const std::exception& e) {
        impl_->close();
        return unexpected(HttpFailure{"HTTP exchange with " + impl_->where() + ": " + e.what()});
    }
}

}  // namespace ts::rules::actions
