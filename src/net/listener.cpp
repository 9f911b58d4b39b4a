// One acceptor per event-loop thread. Accepted sockets stay on the acceptor's
// io_context, so a connection never changes thread. Plain TCP connections go
// on that io_context's Reactor; the others on asio sockets for their
// handshakes.
#include "net/listener.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "core/log.hpp"
#include "net/handshake.hpp"
#include "net/transport_factory.hpp"

namespace ts::net {

namespace detail {

namespace {
std::string address_text(boost::asio::ip::address addr) {
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
    return addr.to_string();
}
}  // namespace

Peer peer_from(const boost::asio::ip::tcp::endpoint& ep) {
    return {address_text(ep.address()), ep.port(), {}};
}

std::string local_address_of(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return {};
    boost::asio::ip::tcp::endpoint ep;
    if (len > ep.capacity()) len = static_cast<socklen_t>(ep.capacity());
    std::memcpy(ep.data(), &addr, len);
    ep.resize(len);
    return address_text(ep.address());
}

}  // namespace detail

namespace {

using boost::asio::ip::tcp;
using boost::system::error_code;
using ReusePort = boost::asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
using namespace std::chrono_literals;

constexpr auto kAcceptBackoff = 100ms;
constexpr auto kAcceptWarningInterval = 5s;

ts::Error make_error(ErrorCode code, std::string message) {
    return ts::Error{static_cast<int>(code), std::move(message)};
}

std::string_view kind_name(ListenerOptions::Kind kind) {
    switch (kind) {
        case ListenerOptions::Kind::Tcp:
            return "tcp";
        case ListenerOptions::Kind::Tls:
            return "tls";
        case ListenerOptions::Kind::WebSocket:
            return "ws";
        case ListenerOptions::Kind::WebSocketTls:
            return "wss";
    }
    return "?";
}

std::string describe(const tcp::endpoint& ep) {
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// accept(2) reports some errors of the pending connection rather than of the
// listening socket; the next accept can go ahead at once.
bool is_connection_error(const error_code& ec) {
    if (ec.category() != boost::system::system_category()) return false;
    switch (ec.value()) {
        case ECONNABORTED:
        case EPROTO:
        case EPERM:
        case ENETDOWN:
        case ENOPROTOOPT:
        case EHOSTDOWN:
        case ENONET:
        case EHOSTUNREACH:
        case EOPNOTSUPP:
        case ENETUNREACH:
        case ECONNRESET:
            return true;
        default:
            return false;
    }
}

class Acceptor : public std::enable_shared_from_this<Acceptor> {
public:
    Acceptor(boost::asio::io_context& io, std::size_t index,
             std::shared_ptr<detail::AcceptContext> ctx)
        : io_(io), acceptor_(io), backoff_(io), index_(index), ctx_(std::move(ctx)) {}

    error_code open(const tcp::endpoint& ep) {
        error_code ec;
        acceptor_.open(ep.protocol(), ec);
        if (ec) return ec;
        acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
        if (ec) return ec;
        acceptor_.set_option(ReusePort(true), ec);
        if (ec) return ec;
        acceptor_.bind(ep, ec);
        if (ec) return ec;
        // Accepted sockets inherit TCP_NODELAY from the listening one: no
        // setsockopt per connection.
        acceptor_.set_option(tcp::no_delay(true), ec);
        if (ec) return ec;
        // Every client speaks first (CONNECT, ClientHello, an HTTP upgrade),
        // so a connection is handed over once its first bytes are in: one
        // wake-up and a read that finds data, instead of an accept, a read
        // that finds nothing and another wake-up (10 % of the platform's CPU
        // per connect). The kernel hands over a silent client when its
        // deferral (1 s) ends; the CONNECT timeout then applies as before.
        if (ctx_->opts.defer_accept) {
            int defer_s = 1;
            if (::setsockopt(acceptor_.native_handle(), IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_s,
                             sizeof defer_s) != 0)
                return error_code(errno, boost::system::system_category());
        }
        acceptor_.listen(tcp::socket::max_listen_connections, ec);
        if (ec) return ec;
        // accept4() below must find the backlog empty rather than block.
        acceptor_.native_non_blocking(true, ec);
        return ec;
    }

    std::uint16_t port() const {
        error_code ec;
        return acceptor_.local_endpoint(ec).port();
    }

    void start() {
        boost::asio::post(io_, [self = shared_from_this()] { self->accept_next(); });
    }

    void stop() {
        boost::asio::post(io_, [self = shared_from_this()] {
            error_code ignored;
            self->acceptor_.close(ignored);
            self->backoff_.cancel();
        });
    }

private:
    // Waits for the backlog to hold a connection, then takes what it holds:
    // one wake-up for a burst of connects, and accept4() hands over a
    // non-blocking descriptor with the peer's address (no further calls).
    void accept_next() {
        if (ctx_->stopped.load(std::memory_order_acquire)) return;
        acceptor_.async_wait(tcp::acceptor::wait_read,
                             [self = shared_from_this()](const error_code& ec) {
                                 if (ec == boost::asio::error::operation_aborted) return;
                                 if (ec) return self->back_off(ec);
                                 self->accept_ready();
                             });
    }

    void accept_ready() {
        constexpr int kBatch = 32;  // then the loop's other work gets a turn
        for (int i = 0; i < kBatch; ++i) {
            if (ctx_->stopped.load(std::memory_order_acquire) || !acceptor_.is_open()) return;
            sockaddr_storage addr{};
            socklen_t len = sizeof addr;
            detail::UniqueFd fd(::accept4(acceptor_.native_handle(),
                                          reinterpret_cast<sockaddr*>(&addr), &len,
                                          SOCK_NONBLOCK | SOCK_CLOEXEC));
            if (fd.valid()) {
                serve(std::move(fd), addr, len);
                continue;
            }
            const int e = errno;
            if (e == EINTR) continue;
            // Empty: wait again (the wait is armed before this thread can
            // see the next connection's edge).
            if (e == EAGAIN || e == EWOULDBLOCK) return accept_next();
            error_code ec(e, boost::system::system_category());
            if (!is_connection_error(ec)) return back_off(ec);
            ctx_->log->debug("accept failed port={} error={}", port(), ec.message());
        }
        boost::asio::post(io_, [self = shared_from_this()] { self->accept_ready(); });
    }

    // Out of descriptors or memory the listening socket stays readable, so
    // retrying at once would spin; wait for connections to go away.
    void back_off(const error_code& ec) {
        auto now = std::chrono::steady_clock::now();
        ++suppressed_warnings_;
        if (now - last_warning_ >= kAcceptWarningInterval) {
            ctx_->log->warn("accept failed port={} error={} occurrences={}, backing off", port(),
                            ec.message(), suppressed_warnings_);
            last_warning_ = now;
            suppressed_warnings_ = 0;
        }
        backoff_.expires_after(kAcceptBackoff);
        backoff_.async_wait([self = shared_from_this()](const error_code& wait_ec) {
            if (!wait_ec) self->accept_ready();
        });
    }

    void serve(detail::UniqueFd fd, const sockaddr_storage& addr, socklen_t len) {
        tcp::endpoint ep;
        if (len > ep.capacity()) len = static_cast<socklen_t>(ep.capacity());
        std::memcpy(ep.data(), &addr, len);
        ep.resize(len);
        detail::Peer peer = detail::peer_from(ep);
        // A listener on a wildcard address is reached on whichever address
        // the client used; devices are told that one (download URLs).
        peer.local_address = detail::local_address_of(fd.get());
        if (ctx_->opts.kind == ListenerOptions::Kind::Tcp && !ctx_->opts.tls) {
            int error = 0;
            auto t = detail::make_tcp_transport(io_, std::move(fd), std::move(peer), error);
            if (!t) {
                ctx_->log->warn("connection dropped port={}: cannot watch its socket: {}", port(),
                                std::strerror(error));
                return;
            }
            ctx_->deliver(index_, std::move(t));
            return;
        }
        tcp::socket socket(io_);
        error_code ec;
        socket.assign(ep.protocol(), fd.get(), ec);
        if (ec) {
            ctx_->log->warn("connection dropped port={}: {}", port(), ec.message());
            return;  // fd closes it
        }
        fd.release();  // the socket's now
        detail::start_handshake(ctx_, index_, std::move(socket), std::move(peer));
    }

    boost::asio::io_context& io_;
    tcp::acceptor acceptor_;
    boost::asio::steady_timer backoff_;
    std::size_t index_;
    std::shared_ptr<detail::AcceptContext> ctx_;
    std::chrono::steady_clock::time_point last_warning_{};
    std::size_t suppressed_warnings_ = 0;
};

class ListenerImpl final : public Listener {
public:
    ListenerImpl(std::shared_ptr<detail::AcceptContext> ctx,
                 std::vector<std::shared_ptr<Acceptor>> acceptors, std::uint16_t port)
        : ctx_(std::move(ctx)), acceptors_(std::move(acceptors)), port_(port) {}
    ~ListenerImpl() override { stop(); }
    ListenerImpl(const ListenerImpl&) = delete;
    ListenerImpl& operator=(const ListenerImpl&) = delete;

    std::uint16_t port() const override { return port_; }

    void stop() override {
        if (ctx_->stopped.exchange(true, std::memory_order_acq_rel)) return;
        for (auto& a : acceptors_) a->stop();
    }

private:
    std::shared_ptr<detail::AcceptContext> ctx_;
    std::vector<std::shared_ptr<Acceptor>> acceptors_;
    std::uint16_t port_;
};

// SO_REUSEPORT would let us silently share a port with another process of the
// same user (a second broker instance); a bind without it fails instead.
error_code probe_port_free(const tcp::endpoint& ep) {
    tcp::acceptor probe(boost::asio::system_executor{});
    error_code ec;
    probe.open(ep.protocol(), ec);
    if (ec) return ec;
    probe.set_option(tcp::acceptor::reuse_address(true), ec);
    if (ec) return ec;
    probe.bind(ep, ec);
    return ec;
}

ts::Expected<void, ts::Error> validate(const std::vector<boost::asio::io_context*>& contexts,
                                       const ListenerOptions& opts) {
    using Kind = ListenerOptions::Kind;
    if (contexts.empty())
        return ts::unexpected(make_error(ErrorCode::InvalidOptions, "no io_context"));
    for (auto* io : contexts)
        if (io == nullptr)
            return ts::unexpected(make_error(ErrorCode::InvalidOptions, "null io_context"));
    bool tls = opts.kind == Kind::Tls || opts.kind == Kind::WebSocketTls;
    if (tls && !opts.tls)
        return ts::unexpected(
            make_error(ErrorCode::InvalidOptions, "TLS listener without a TLS context"));
    bool ws = opts.kind == Kind::WebSocket || opts.kind == Kind::WebSocketTls;
    if (ws && (opts.websocket_path.empty() || opts.websocket_path.front() != '/'))
        return ts::unexpected(
            make_error(ErrorCode::InvalidOptions,
                       "websocket path must start with '/': " + opts.websocket_path));
    if (ws && opts.max_websocket_message == 0)
        return ts::unexpected(make_error(ErrorCode::InvalidOptions, "max_websocket_message is 0"));
    return {};
}

}  // namespace

ts::Expected<std::unique_ptr<Listener>, ts::Error> Listener::start(
    const std::vector<boost::asio::io_context*>& contexts, ListenerOptions opts,
    AcceptHandler on_accept) {
    if (auto ok = validate(contexts, opts); !ok) return ts::unexpected(ok.error());
    error_code ec;
    auto address = boost::asio::ip::make_address(opts.bind_address, ec);
    if (ec)
        return ts::unexpected(make_error(ErrorCode::InvalidAddress,
                                         "invalid bind address '" + opts.bind_address + "'"));

    auto ctx = std::make_shared<detail::AcceptContext>();
    ctx->opts = std::move(opts);
    ctx->on_accept = std::move(on_accept);
    ctx->log = ts::log::get("net");

    tcp::endpoint ep(address, ctx->opts.port);
    if (ep.port() != 0) {
        if (auto probe_ec = probe_port_free(ep))
            return ts::unexpected(make_error(ErrorCode::BindFailed,
                                             "bind " + describe(ep) + ": " + probe_ec.message()));
    }

    std::vector<std::shared_ptr<Acceptor>> acceptors;
    acceptors.reserve(contexts.size());
    for (std::size_t i = 0; i < contexts.size(); ++i) {
        auto a = std::make_shared<Acceptor>(*contexts[i], i, ctx);
        if (auto open_ec = a->open(ep))
            return ts::unexpected(make_error(ErrorCode::BindFailed,
                                             "bind " + describe(ep) + ": " + open_ec.message()));
        if (ep.port() == 0) ep.port(a->port());
        acceptors.push_back(std::move(a));
    }
    for (auto& a : acceptors) a->start();
    ctx->log->info("listening address={} kind={} threads={}", describe(ep),
                   kind_name(ctx->opts.kind), acceptors.size());
    std::uint16_t port = ep.port();
    return std::unique_ptr<Listener>(
        std::make_unique<ListenerImpl>(std::move(ctx), std::move(acceptors), port));
}

}  // namespace ts::net
