#pragma once
// The byte stream the broker speaks MQTT over, whatever carries it: plain TCP,
// TLS, or the payload of WebSocket binary messages.
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ts::net {

// A connected, handshaken byte stream. All calls must be made on the
// io_context thread that owns it. At most one read and one write outstanding.
//
// Destroying a Transport closes it (unless shutdown() is in progress, which
// then runs to completion on its own) and drops the handlers of outstanding
// operations without calling them, so a handler may safely refer to the
// object that owned the Transport.
class Transport {
public:
    virtual ~Transport() = default;
    using Handler = std::function<void(const boost::system::error_code&, std::size_t)>;
    // For WebSocket: bytes of the binary message payload stream, crossing
    // message boundaries freely (never completes with 0 bytes and no error
    // unless `buf` is empty).
    virtual void async_read_some(boost::asio::mutable_buffer buf, Handler h) = 0;
    // Writes all of the buffers (gathered write; for WebSocket as one binary
    // message). The buffers must stay valid until the handler runs; the
    // vector itself need not.
    virtual void async_write(const std::vector<boost::asio::const_buffer>& bufs, Handler h) = 0;
    // Closes now; pending handlers complete with an error. Idempotent.
    virtual void close() = 0;
    // Graceful: for TLS sends close_notify, for WebSocket a close frame, for
    // TCP a FIN after the outstanding write; then closes. Bounded (1 s).
    virtual void shutdown() = 0;
    virtual const std::string& remote_address() const = 0;  // "ip" (no port)
    // The address the client reached this server on ("ip", no port): the
    // server's address as the client sees it, e.g. for download URLs handed
    // to devices. Empty when unknown.
    virtual const std::string& local_address() const {
        static const std::string none;
        return none;
    }
    virtual std::uint16_t remote_port() const = 0;
    virtual std::string_view kind() const = 0;  // "tcp", "tls", "ws", "wss"
    // True when async_read_some writes into the buffer only on this thread,
    // right before its handler runs: then one buffer may serve all of a
    // thread's connections, each handling what it read before the next read
    // completes.
    virtual bool reads_at_completion() const { return false; }
};

}  // namespace ts::net
