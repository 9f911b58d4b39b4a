// Plain TCP: the socket's own async_read_some / async_write_some, with the
// gathered write looped here so no buffer sequence is copied per attempt.
#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <memory>

#include "net/stream_state.hpp"
#include "net/transport_factory.hpp"

namespace ts::net::detail {
namespace {

using boost::asio::ip::tcp;
using State = StreamState<tcp::socket>;

void write_more(const std::shared_ptr<State>& s, Transport::Handler h);

void on_written(const std::shared_ptr<State>& s, Transport::Handler h,
                const boost::system::error_code& ec, std::size_t n) {
    s->consume_written(n);
    if (!ec && s->write_done < s->write_total) return write_more(s, std::move(h));
    if (s->graceful_after_write) {
        s->graceful_after_write = false;
        boost::system::error_code ignored;
        if (ec)
            s->close_now();
        else
            s->stream.shutdown(tcp::socket::shutdown_send, ignored);
    }
    s->finish_write(h, ec, s->write_done);
}

void write_more(const std::shared_ptr<State>& s, Transport::Handler h) {
    s->stream.async_write_some(
        s->pending_write_bufs(),
        [s, h = std::move(h)](const boost::system::error_code& ec, std::size_t n) mutable {
            on_written(s, std::move(h), ec, n);
        });
}

// Only after shutdown(): reading until the peer's FIN lets us close without a
// RST that could destroy the last bytes we sent. The buffer travels with the
// reads rather than in every connection's state.
void drain(const std::shared_ptr<State>& s, std::shared_ptr<std::array<char, 512>> buf) {
    auto b = boost::asio::buffer(*buf);
    s->stream.async_read_some(
        b, [s, buf = std::move(buf)](const boost::system::error_code& ec, std::size_t) mutable {
            if (ec) return s->close_now();
            drain(s, std::move(buf));
        });
}

class TcpTransport final : public StreamTransport<tcp::socket> {
public:
    TcpTransport(std::shared_ptr<State> s, Peer peer)
        : StreamTransport(std::move(s), std::move(peer), "tcp") {}

    void async_read_some(boost::asio::mutable_buffer buf, Handler h) override {
        s_->reading = true;
        s_->stream.async_read_some(
            buf, [s = s_, h = std::move(h)](const boost::system::error_code& ec, std::size_t n) {
                s->finish_read(h, ec, n);
            });
    }

    void async_write(const std::vector<boost::asio::const_buffer>& bufs, Handler h) override {
        s_->store_write(bufs);
        write_more(s_, std::move(h));
    }

    void shutdown() override {
        if (!s_->begin_shutdown()) return;
        if (s_->writing) {
            s_->graceful_after_write = true;
        } else {
            boost::system::error_code ignored;
            s_->stream.shutdown(tcp::socket::shutdown_send, ignored);
        }
        // With the broker's read outstanding, that read sees the FIN instead.
        if (!s_->reading) drain(s_, std::make_shared<std::array<char, 512>>());
    }
};

}  // namespace

std::unique_ptr<Transport> make_tcp_transport(tcp::socket socket, Peer peer) {
    auto s = std::make_shared<State>(std::move(socket));
    return std::make_unique<TcpTransport>(std::move(s), std::move(peer));
}

}  // namespace ts::net::detail
