#pragma once
// Internal: what every Transport implementation shares. The stream lives in a
// reference-counted state that each outstanding operation keeps alive, so the
// broker may destroy a Transport while reads/writes are still in flight (asio
// and OpenSSL would otherwise complete them on freed memory).
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/stream_traits.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/transport.hpp"

namespace ts::net::detail {

struct Peer {
    std::string address;  // v4-mapped v6 addresses shown as v4
    std::uint16_t port = 0;
    std::string local_address;  // ours, as the peer reached it; same form
};

// The peer of an accepted socket, from the address the accept returned
// (v4-mapped v6 addresses shown as v4).
Peer peer_from(const boost::asio::ip::tcp::endpoint& ep);
// The local address of a connected socket, in the same form ("" on error).
std::string local_address_of(int fd);

inline constexpr std::chrono::seconds kShutdownBound{1};

template <class Stream>
struct StreamState : std::enable_shared_from_this<StreamState<Stream>> {
    template <class... Args>
    explicit StreamState(Args&&... args) : stream(std::forward<Args>(args)...) {}

    Stream stream;
    // The handlers travel inside the asio operations rather than living here:
    // when an io_context is destroyed with operations pending, destroying the
    // operation must release what the handler holds (typically the connection
    // that owns this Transport), or the two would keep each other alive.
    bool reading = false;
    bool writing = false;
    // The caller's vector is only borrowed for the call, so a gathered write
    // keeps its own copy; reused to avoid an allocation per write.
    std::vector<boost::asio::const_buffer> write_bufs;
    std::unique_ptr<boost::asio::steady_timer> shutdown_deadline;  // only while shutting down
    bool owner_gone = false;
    bool shutting_down = false;
    bool graceful_after_write = false;

    boost::asio::ip::tcp::socket& socket() { return boost::beast::get_lowest_layer(stream); }

    void close_now() {
        boost::system::error_code ignored;
        socket().close(ignored);
        if (shutdown_deadline) shutdown_deadline->cancel();
    }

    void finish_read(const Transport::Handler& h, const boost::system::error_code& ec,
                     std::size_t n) {
        reading = false;
        if (!owner_gone) h(ec, n);
    }
    void finish_write(const Transport::Handler& h, const boost::system::error_code& ec,
                      std::size_t n) {
        writing = false;
        if (!owner_gone) h(ec, n);
    }

    void store_write(const std::vector<boost::asio::const_buffer>& bufs) {
        writing = true;
        write_bufs.assign(bufs.begin(), bufs.end());
    }
    auto pending_write_bufs() const {
        return std::span<const boost::asio::const_buffer>(write_bufs);
    }

    // Returns false when already shutting down or closed; otherwise starts the
    // deadline after which the socket is closed whatever the peer does.
    bool begin_shutdown() {
        if (shutting_down || !socket().is_open()) return false;
        shutting_down = true;
        shutdown_deadline =
            std::make_unique<boost::asio::steady_timer>(socket().get_executor(), kShutdownBound);
        shutdown_deadline->async_wait(
            [self = this->shared_from_this()](const boost::system::error_code& ec) {
                if (!ec) self->close_now();
            });
        return true;
    }
};

// The parts of Transport that do not depend on the protocol.
template <class Stream>
class StreamTransport : public Transport {
public:
    using State = StreamState<Stream>;

    StreamTransport(std::shared_ptr<State> state, Peer peer, std::string_view kind)
        : s_(std::move(state)), peer_(std::move(peer)), kind_(kind) {}
    ~StreamTransport() override {
        s_->owner_gone = true;
        if (!s_->shutting_down) s_->close_now();
    }
    StreamTransport(const StreamTransport&) = delete;
    StreamTransport& operator=(const StreamTransport&) = delete;

    void close() override { s_->close_now(); }
    const std::string& remote_address() const override { return peer_.address; }
    std::uint16_t remote_port() const override { return peer_.port; }
    const std::string& local_address() const override { return peer_.local_address; }
    std::string_view kind() const override { return kind_; }

protected:
    std::shared_ptr<State> s_;

private:
    Peer peer_;
    std::string_view kind_;
};

}  // namespace ts::net::detail
