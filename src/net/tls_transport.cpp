// TLS over TCP. The ssl_stream serialises its own use of the socket, so one
// read, one write and the closing handshake may overlap.
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <memory>

#include "net/stream_state.hpp"
#include "net/transport_factory.hpp"

namespace ts::net::detail {
namespace {

using State = StreamState<TlsStream>;

// Sends close_notify and waits for the peer's (or its EOF); the deadline set
// by begin_shutdown() bounds the wait.
void close_notify(const std::shared_ptr<State>& s) {
    s->stream.async_shutdown([s](const boost::system::error_code&) { s->close_now(); });
}

class TlsTransport final : public StreamTransport<TlsStream> {
public:
    using StreamTransport::StreamTransport;

    void async_read_some(boost::asio::mutable_buffer buf, Handler h) override {
        s_->reading = true;
        s_->stream.async_read_some(
            buf, [s = s_, h = std::move(h)](const boost::system::error_code& ec, std::size_t n) {
                s->finish_read(h, ec, n);
            });
    }

    void async_write(const std::vector<boost::asio::const_buffer>& bufs, Handler h) override {
        s_->store_write(bufs);
        boost::asio::async_write(
            s_->stream, s_->pending_write_bufs(),
            [s = s_, h = std::move(h)](const boost::system::error_code& ec, std::size_t n) {
                // close_notify must not land inside a half-written record.
                if (s->graceful_after_write) {
                    s->graceful_after_write = false;
                    if (ec)
                        s->close_now();
                    else
                        close_notify(s);
                }
                s->finish_write(h, ec, n);
            });
    }

    void shutdown() override {
        if (!s_->begin_shutdown()) return;
        if (s_->writing)
            s_->graceful_after_write = true;
        else
            close_notify(s_);
    }
};

}  // namespace

std::unique_ptr<Transport> make_tls_transport(TlsStream stream, Peer peer) {
    return std::make_unique<TlsTransport>(std::make_shared<State>(std::move(stream)),
                                          std::move(peer), "tls");
}

}  // namespace ts::net::detail
