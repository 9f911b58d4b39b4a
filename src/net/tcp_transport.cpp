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

struct TcpState : State {
    using State::State;
    // Only used after shutdown(): reading until the peer's FIN lets us close
    // without a RST that could destroy the last bytes we sent.
    std::unique_ptr<std::array<char, 512>> drain;
};

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

void drain(const std::shared_ptr<TcpState>& s) {
    s->stream.async_read_some(boost::asio::buffer(*s->drain),
                              [s](const boost::system::error_code& ec, std::size_t) {
                                  if (ec) return s->close_now();
                                  drain(s);
                              });
}

class TcpTransport final : public StreamTransport<tcp::socket> {
public:
    TcpTransport(std::shared_ptr<TcpState> s, Peer peer)
        : StreamTransport(s, std::move(peer), "tcp"), tcp_(std::move(s)) {}

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
        if (!s_->reading) {
            tcp_->drain = std::make_unique<std::array<char, 512>>();
            drain(tcp_);
        }
    }

private:
    std::shared_ptr<TcpState> tcp_;
};

}  // namespace

std::unique_ptr<Transport> make_tcp_transport(tcp::socket socket, Peer peer) {
    auto s = std::make_shared<TcpState>(std::move(socket));
    return std::make_unique<TcpTransport>(std::move(s), std::move(peer));
}

}  // namespace ts::net::detail
