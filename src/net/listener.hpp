#pragma once
// Accepting connections: one SO_REUSEPORT acceptor per event-loop thread, the
// TLS / WebSocket handshakes under a deadline, then a Transport handed to the
// broker on the thread that will own it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/expected.hpp"
#include "net/transport.hpp"

namespace ts::net {

// ts::Error::code values produced by this layer.
enum class ErrorCode : int {
    InvalidOptions = 1,  // no io_context, TLS kind without a context, bad WebSocket path
    InvalidAddress = 2,  // bind_address is not an IP address
    BindFailed = 3,      // open / bind / listen failed (message carries the OS error)
    TlsConfig = 4,       // certificate or key could not be loaded
};

struct ListenerOptions {
    std::string bind_address = "0.0.0.0";
    std::uint16_t port = 0;
    enum class Kind { Tcp, Tls, WebSocket, WebSocketTls } kind = Kind::Tcp;
    std::string websocket_path = "/mqtt";
    // For Tls / WebSocketTls. Set on a Tcp listener, it serves TLS too: a
    // connection whose first byte starts a TLS ClientHello gets a TLS
    // handshake (some device SDKs use TLS on the plain MQTT port).
    std::shared_ptr<boost::asio::ssl::context> tls;
    std::chrono::milliseconds handshake_timeout{
        10000};  // TLS + WS handshake must finish within this
    std::size_t max_websocket_message = 16 * 1024 * 1024;
    // Hand a connection over only once its first bytes have arrived
    // (TCP_DEFER_ACCEPT): MQTT, TLS and WebSocket clients all speak first.
    // A client that stays silent is handed over after about a second.
    bool defer_accept = true;
};

// Accepts connections on every given io_context: one acceptor per io_context
// bound with SO_REUSEPORT so the kernel spreads connections over the threads.
// Each accepted socket gets TCP_NODELAY; the handshake (TLS and/or WebSocket
// upgrade with the `mqtt` subprotocol echoed when offered; other paths get 404)
// runs on that socket's io_context under handshake_timeout, then `on_accept`
// is called on that io_context's thread with the index of the io_context.
//
// The io_contexts must outlive the Listener. Nothing is delivered after stop().
class Listener {
public:
    using AcceptHandler = std::function<void(std::size_t thread_index, std::unique_ptr<Transport>)>;
    static ts::Expected<std::unique_ptr<Listener>, ts::Error> start(
        const std::vector<boost::asio::io_context*>& contexts, ListenerOptions opts,
        AcceptHandler on_accept);
    virtual ~Listener() = default;           // implies stop()
    virtual std::uint16_t port() const = 0;  // the bound port (useful when opts.port == 0)
    virtual void stop() = 0;                 // stops accepting (safe to call from any thread)
};

// Loads certificate chain + private key (PEM files) into a server TLS context
// (TLS 1.2+).
ts::Expected<std::shared_ptr<boost::asio::ssl::context>, ts::Error> make_server_tls_context(
    const std::string& cert_file, const std::string& key_file);

}  // namespace ts::net
