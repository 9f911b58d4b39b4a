// TLS and WebSocket handshakes of accepted sockets. One deadline covers the
// whole handshake, including reading the HTTP upgrade request, so a client
// that trickles bytes (slow loris) cannot hold a socket past it.
#include "net/handshake.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>

#include "net/transport_factory.hpp"

namespace ts::net::detail {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using boost::asio::ip::tcp;
using boost::system::error_code;

// An upgrade request is a few hundred bytes; anything near this is abuse.
constexpr std::size_t kMaxRequestBytes = 8 * 1024;
constexpr std::string_view kSubprotocol = "mqtt";

bool offers_subprotocol(const http::request<http::empty_body>& req, std::string_view wanted) {
    auto [begin, end] = req.equal_range(http::field::sec_websocket_protocol);
    for (auto it = begin; it != end; ++it) {
        std::string_view list = it->value();
        while (!list.empty()) {
            auto comma = list.find(',');
            auto token = list.substr(0, comma);
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            auto first = token.find_first_not_of(" \t");
            if (first == std::string_view::npos) continue;
            auto last = token.find_last_not_of(" \t");
            if (token.substr(first, last - first + 1) == wanted) return true;
        }
    }
    return false;
}

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

template <class Stream>
constexpr bool kIsWebSocket = !std::is_same_v<Stream, TlsStream>;
template <class Stream>
constexpr bool kHasTls = !std::is_same_v<Stream, WsStream>;

// Stream is TlsStream (TLS only), WsStream or WssStream.
template <class Stream>
class Handshake : public std::enable_shared_from_this<Handshake<Stream>> {
public:
    template <class... Args>
    Handshake(std::shared_ptr<const AcceptContext> ctx, std::size_t index, Peer peer,
              Args&&... stream_args)
        : ctx_(std::move(ctx)),
          index_(index),
          peer_(std::move(peer)),
          stream_(std::forward<Args>(stream_args)...),
          timer_(stream_.get_executor()) {}

    void start() {
        timer_.expires_after(ctx_->opts.handshake_timeout);
        timer_.async_wait([self = this->shared_from_this()](const error_code& ec) {
            if (ec || self->finished_) return;
            self->fail("timeout", {});
        });
        if constexpr (kHasTls<Stream>)
            tls_handshake();
        else
            read_request();
    }

private:
    TlsStream& tls() {
        if constexpr (kIsWebSocket<Stream>)
            return stream_.next_layer();
        else
            return stream_;
    }

    void tls_handshake() {
        tls().async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const error_code& ec) {
                                  if (ec) return self->fail("tls", ec);
                                  if constexpr (kIsWebSocket<Stream>)
                                      self->read_request();
                                  else
                                      self->succeed();
                              });
    }

    void read_request() requires kIsWebSocket<Stream> {
        parser_.emplace();
        parser_->header_limit(kMaxRequestBytes);
        http::async_read(stream_.next_layer(), buffer_, *parser_,
                         [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                             if (ec) return self->fail("http request", ec);
                             self->upgrade();
                         });
    }

    void upgrade() requires kIsWebSocket<Stream> {
        const auto& req = parser_->get();
        if (path_of(req.target()) != ctx_->opts.websocket_path) return reject(req);
        bool mqtt = offers_subprotocol(req, kSubprotocol);
        stream_.set_option(websocket::permessage_deflate{});  // compression off
        stream_.set_option(websocket::stream_base::decorator([mqtt](websocket::response_type& res) {
            res.set(http::field::server, "thingstead");
            if (mqtt) res.set(http::field::sec_websocket_protocol, kSubprotocol);
        }));
        stream_.read_message_max(ctx_->opts.max_websocket_message);
        // One frame per message: the broker already writes whole packets.
        stream_.auto_fragment(false);
        stream_.binary(true);
        // Beast answers a request that is not a valid upgrade with 400/426.
        stream_.async_accept(req, [self = this->shared_from_this()](const error_code& ec) {
            if (ec) return self->fail("websocket upgrade", ec);
            self->succeed();
        });
    }

    void reject(const http::request<http::empty_body>& req) requires kIsWebSocket<Stream> {
        ctx_->log->debug("websocket path rejected peer={}:{} target={}", peer_.address, peer_.port,
                         std::string_view(req.target()).substr(0, 200));
        response_.emplace(http::status::not_found, req.version());
        response_->set(http::field::server, "thingstead");
        response_->set(http::field::content_type, "text/plain");
        response_->body() = "Not Found\n";
        response_->keep_alive(false);
        response_->prepare_payload();
        http::async_write(stream_.next_layer(), *response_,
                          [self = this->shared_from_this()](const error_code&, std::size_t) {
                              self->finished_ = true;
                              self->close();
                          });
    }

    void succeed() {
        finished_ = true;
        timer_.cancel();
        std::unique_ptr<Transport> t;
        if constexpr (std::is_same_v<Stream, TlsStream>)
            t = make_tls_transport(std::move(stream_), std::move(peer_));
        else if constexpr (std::is_same_v<Stream, WsStream>)
            t = make_ws_transport(std::move(stream_), std::move(peer_));
        else
            t = make_wss_transport(std::move(stream_), std::move(peer_));
        ctx_->deliver(index_, std::move(t));
    }

    // Quiet on purpose: scanners and broken clients are routine on an open port.
    void fail(const char* stage, const error_code& ec) {
        if (finished_) return;
        finished_ = true;
        ctx_->log->debug("handshake failed peer={}:{} stage={} error={}", peer_.address, peer_.port,
                         stage, ec ? ec.message() : std::string("deadline passed"));
        close();
    }

    void close() {
        error_code ignored;
        beast::get_lowest_layer(stream_).close(ignored);
        timer_.cancel();
    }

    std::shared_ptr<const AcceptContext> ctx_;
    std::size_t index_;
    Peer peer_;
    Stream stream_;
    boost::asio::steady_timer timer_;
    beast::flat_buffer buffer_{kMaxRequestBytes};
    std::optional<http::request_parser<http::empty_body>> parser_;
    std::optional<http::response<http::string_body>> response_;
    bool finished_ = false;
};

// On a plain port that also serves TLS: waits (under the handshake deadline)
// for the first bytes without consuming them, then hands the socket to a TLS
// handshake when they start a ClientHello, or to the plain TCP transport.
class TlsSniffer : public std::enable_shared_from_this<TlsSniffer> {
public:
    TlsSniffer(std::shared_ptr<const AcceptContext> ctx, std::size_t index, tcp::socket socket,
               Peer peer)
        : ctx_(std::move(ctx)),
          index_(index),
          socket_(std::move(socket)),
          peer_(std::move(peer)),
          timer_(socket_.get_executor()) {}

    void start() {
        timer_.expires_after(ctx_->opts.handshake_timeout);
        timer_.async_wait([self = shared_from_this()](const error_code& ec) {
            if (ec || self->done_) return;
            self->done_ = true;
            error_code ignored;
            self->socket_.close(ignored);
        });
        wait();
    }

private:
    void wait() {
        socket_.async_wait(tcp::socket::wait_read,
                           [self = shared_from_this()](const error_code& ec) {
                               if (self->done_) return;
                               if (ec) return self->finish_closed();
                               self->peek();
                           });
    }

    void peek() {
        std::uint8_t first[3];
        error_code ec;
        std::size_t n = socket_.receive(boost::asio::buffer(first), tcp::socket::message_peek, ec);
        if (ec || n == 0) return finish_closed();
        // A ClientHello record starts 0x16 0x03; decide on what has arrived.
        bool tls = first[0] == 0x16 && (n < 2 || first[1] == 0x03);
        done_ = true;
        timer_.cancel();
        if (tls) {
            auto& ssl = *ctx_->opts.tls;
            std::make_shared<Handshake<TlsStream>>(ctx_, index_, std::move(peer_),
                                                   std::move(socket_), ssl)
                ->start();
        } else {
            if (auto t = make_tcp_transport(std::move(socket_), std::move(peer_)))
                ctx_->deliver(index_, std::move(t));
        }
    }

    void finish_closed() {
        done_ = true;
        timer_.cancel();
        error_code ignored;
        socket_.close(ignored);
    }

    std::shared_ptr<const AcceptContext> ctx_;
    std::size_t index_;
    tcp::socket socket_;
    Peer peer_;
    boost::asio::steady_timer timer_;
    bool done_ = false;
};

}  // namespace

void start_handshake(std::shared_ptr<const AcceptContext> ctx, std::size_t index,
                     tcp::socket socket, Peer peer) {
    using Kind = ListenerOptions::Kind;
    switch (ctx->opts.kind) {
        case Kind::Tcp:
            if (ctx->opts.tls) {
                std::make_shared<TlsSniffer>(std::move(ctx), index, std::move(socket),
                                             std::move(peer))
                    ->start();
                return;
            }
            if (auto t = make_tcp_transport(std::move(socket), std::move(peer)))
                ctx->deliver(index, std::move(t));
            return;
        case Kind::Tls: {
            auto& tls = *ctx->opts.tls;
            std::make_shared<Handshake<TlsStream>>(std::move(ctx), index, std::move(peer),
                                                   std::move(socket), tls)
                ->start();
            return;
        }
        case Kind::WebSocket:
            std::make_shared<Handshake<WsStream>>(std::move(ctx), index, std::move(peer),
                                                  std::move(socket))
                ->start();
            return;
        case Kind::WebSocketTls: {
            auto& tls = *ctx->opts.tls;
            std::make_shared<Handshake<WssStream>>(std::move(ctx), index, std::move(peer),
                                                   std::move(socket), tls)
                ->start();
            return;
        }
    }
}

}  // namespace ts::net::detail
