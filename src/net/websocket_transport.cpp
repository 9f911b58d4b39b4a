// MQTT over WebSocket: the byte stream is the concatenated payload of the
// binary messages, so packets and messages need not line up.
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <memory>

#include "net/stream_state.hpp"
#include "net/transport_factory.hpp"

namespace ts::net::detail {
namespace {

namespace websocket = boost::beast::websocket;

template <class WebSocket>
struct WsState : StreamState<WebSocket> {
    using StreamState<WebSocket>::StreamState;
    boost::asio::mutable_buffer read_buf;  // the caller's, across empty messages
};

template <class WebSocket>
class WebSocketTransport final : public StreamTransport<WebSocket> {
    using Base = StreamTransport<WebSocket>;
    using State = WsState<WebSocket>;
    using Base::s_;

public:
    WebSocketTransport(std::shared_ptr<State> s, Peer peer, std::string_view kind)
        : Base(s, std::move(peer), kind), ws_(std::move(s)) {}

    void async_read_some(boost::asio::mutable_buffer buf, Transport::Handler h) override {
        ws_->reading = true;
        ws_->read_buf = buf;
        read_more(ws_, std::move(h));
    }

    void async_write(const std::vector<boost::asio::const_buffer>& bufs,
                     Transport::Handler h) override {
        s_->store_write(bufs);
        s_->stream.async_write(
            s_->pending_write_bufs(),
            [s = s_, h = std::move(h)](const boost::system::error_code& ec, std::size_t n) {
                s->finish_write(h, ec, n);
            });
    }

    // Beast allows the close handshake alongside an outstanding read and
    // write; it answers the peer's close frame and tears the stream down.
    void shutdown() override {
        if (!s_->begin_shutdown()) return;
        s_->stream.async_close(websocket::close_code::normal,
                               [s = s_](const boost::system::error_code&) { s->close_now(); });
    }

private:
    std::shared_ptr<State> ws_;  // s_, with the read buffer

    static void read_more(const std::shared_ptr<State>& s, Transport::Handler h) {
        s->stream.async_read_some(s->read_buf, [s, h = std::move(h)](boost::system::error_code ec,
                                                                     std::size_t n) mutable {
            // An empty message or a message boundary yields 0 bytes; callers
            // of a byte stream would take that for the end.
            if (!ec && n == 0 && s->read_buf.size() != 0) return read_more(s, std::move(h));
            // MQTT 6.0: data in any other than binary frames closes the connection.
            if (!ec && s->stream.got_text()) {
                ec = boost::system::errc::make_error_code(boost::system::errc::protocol_error);
                n = 0;
                s->close_now();
            }
            s->finish_read(h, ec, n);
        });
    }
};

template <class WebSocket>
std::unique_ptr<Transport> make(WebSocket stream, Peer peer, std::string_view kind) {
    using State = WsState<WebSocket>;
    return std::make_unique<WebSocketTransport<WebSocket>>(
        std::make_shared<State>(std::move(stream)), std::move(peer), kind);
}

}  // namespace

std::unique_ptr<Transport> make_ws_transport(WsStream stream, Peer peer) {
    return make(std::move(stream), std::move(peer), "ws");
}

std::unique_ptr<Transport> make_wss_transport(WssStream stream, Peer peer) {
    return make(std::move(stream), std::move(peer), "wss");
}

}  // namespace ts::net::detail
