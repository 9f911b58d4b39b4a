#pragma once
// Internal: what the listener hands to the handshakes, and their entry point.
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstddef>
#include <memory>

#include <spdlog/logger.h>

#include "net/listener.hpp"
#include "net/stream_state.hpp"

namespace ts::net::detail {

// Shared by every acceptor and handshake of one Listener; outlives the
// Listener object while any of them is still running.
struct AcceptContext {
    ListenerOptions opts;
    Listener::AcceptHandler on_accept;
    std::atomic<bool> stopped{false};
    std::shared_ptr<spdlog::logger> log;

    // Drops the transport instead when the listener was stopped meanwhile.
    void deliver(std::size_t index, std::unique_ptr<Transport> t) const {
        if (!stopped.load(std::memory_order_acquire)) on_accept(index, std::move(t));
    }
};

// Runs the TLS and/or WebSocket handshake for opts.kind on the socket's
// executor under opts.handshake_timeout, then delivers the Transport. Failures
// close the socket and log at debug.
void start_handshake(std::shared_ptr<const AcceptContext> ctx, std::size_t index,
                     boost::asio::ip::tcp::socket socket, Peer peer);

}  // namespace ts::net::detail
