#pragma once
// Internal: wrapping a handshaken stream into a Transport.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <memory>

#include "net/stream_state.hpp"
#include "net/transport.hpp"
#include "net/unique_fd.hpp"

namespace ts::net::detail {

// beast's ssl_stream rather than asio's: it coalesces a gathered write into
// one SSL_write (one TLS record, one syscall) instead of one per buffer.
using TlsStream = boost::beast::ssl_stream<boost::asio::ip::tcp::socket>;
using WsStream = boost::beast::websocket::stream<boost::asio::ip::tcp::socket>;
using WssStream = boost::beast::websocket::stream<TlsStream>;

// Plain TCP on the io_context's Reactor, from an accepted non-blocking
// descriptor (taken over: closed on failure, with `error` set to errno).
std::unique_ptr<Transport> make_tcp_transport(boost::asio::io_context& io, UniqueFd fd, Peer peer,
                                              int& error);
// The same from an asio socket (which gives up its descriptor); null on failure.
std::unique_ptr<Transport> make_tcp_transport(boost::asio::ip::tcp::socket socket, Peer peer);
std::unique_ptr<Transport> make_tls_transport(TlsStream stream, Peer peer);
// The WebSocket streams must have been accepted (binary mode, options set).
std::unique_ptr<Transport> make_ws_transport(WsStream stream, Peer peer);
std::unique_ptr<Transport> make_wss_transport(WssStream stream, Peer peer);

}  // namespace ts::net::detail
