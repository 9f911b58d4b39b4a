#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <atomic>
#include <future>
#include <string>

#include "net/listener.hpp"
#include "net_test_util.hpp"
#include "tls_test_util.hpp"

namespace ts::net {
namespace {

using boost::asio::ip::tcp;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using namespace std::chrono_literals;

ListenerOptions ws_options(ListenerOptions::Kind kind = ListenerOptions::Kind::WebSocket) {
    ListenerOptions o;
    o.bind_address = "127.0.0.1";
    o.kind = kind;
    if (kind == ListenerOptions::Kind::WebSocketTls) o.tls = test::server_tls_context();
    return o;
}

tcp::endpoint local(std::uint16_t port) {
    return {boost::asio::ip::make_address("127.0.0.1"), port};
}

void offer_mqtt(auto& ws) {
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
        req.set(http::field::sec_websocket_protocol, "mqtt");
    }));
}

// Reads binary messages until `n` bytes arrived; the server may split them.
std::string read_bytes(auto& ws, std::size_t n) {
    std::string got;
    while (got.size() < n) {
        beast::flat_buffer b;
        ws.read(b);
        EXPECT_TRUE(ws.got_binary());
        got += beast::buffers_to_string(b.data());
    }
    return got;
}

struct EchoListener {
    test::EventLoops loops;
    std::atomic<int> accepted{0};
    std::atomic<int> wrong_kind{0};
    std::unique_ptr<Listener> listener;

    EchoListener(ListenerOptions opts, std::string_view kind, std::size_t threads = 2)
        : loops(threads) {
        auto l = Listener::start(loops.contexts(), std::move(opts),
                                 [this, kind](std::size_t, std::unique_ptr<Transport> t) {
                                     if (t->kind() != kind) ++wrong_kind;
                                     ++accepted;
                                     std::make_shared<test::Echo>(std::move(t))->start();
                                 });
        EXPECT_TRUE(l) << l.error().message;
        if (l) listener = std::move(*l);
    }
    std::uint16_t port() const { return listener->port(); }
};

TEST(WebSocketListener, EchoesSubprotocolAndBinaryMessagesBothWays) {
    EchoListener server(ws_options(), "ws");
    boost::asio::io_context io;
    websocket::stream<tcp::socket> ws(io);
    ws.next_layer().connect(local(server.port()));
    offer_mqtt(ws);
    websocket::response_type res;
    ws.handshake(res, "localhost", "/mqtt");
    EXPECT_EQ(res[http::field::sec_websocket_protocol], "mqtt");
    ws.binary(true);

    // One packet split over several messages.
    const std::string connect("\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c\x00\x00", 14);
    ws.write(boost::asio::buffer(connect.substr(0, 6)));
    ws.write(boost::asio::buffer(connect.substr(6, 3)));
    ws.write(boost::asio::buffer(connect.substr(9)));
    EXPECT_EQ(read_bytes(ws, connect.size()), connect);

    // One message bigger than the server's read buffer: several reads, several
    // messages back.
    std::string big(50000, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
    ws.write(boost::asio::buffer(big));
    EXPECT_TRUE(read_bytes(ws, big.size()) == big);

    ws.close(websocket::close_code::normal);
    EXPECT_TRUE(test::eventually([&] { return server.accepted == 1; }));
    EXPECT_EQ(server.wrong_kind.load(), 0);
}

TEST(WebSocketListener, NoSubprotocolHeaderUnlessOffered) {
    EchoListener server(ws_options(), "ws");
    boost::asio::io_context io;
    websocket::stream<tcp::socket> ws(io);
    ws.next_layer().connect(local(server.port()));
    websocket::response_type res;
    ws.handshake(res, "localhost", "/mqtt?client=1");  // query strings are ignored
    EXPECT_EQ(res.count(http::field::sec_websocket_protocol), 0u);
    ws.binary(true);
    ws.write(boost::asio::buffer(std::string("ping")));
    EXPECT_EQ(read_bytes(ws, 4), "ping");
}

TEST(WebSocketListener, OtherPathGets404) {
    EchoListener server(ws_options(), "ws", 1);
    boost::asio::io_context io;
    websocket::stream<tcp::socket> ws(io);
    ws.next_layer().connect(local(server.port()));
    offer_mqtt(ws);
    websocket::response_type res;
    boost::system::error_code ec;
    ws.handshake(res, "localhost", "/other", ec);
    EXPECT_EQ(ec, websocket::error::upgrade_declined) << ec.message();
    EXPECT_EQ(res.result(), http::status::not_found);
    EXPECT_EQ(server.accepted.load(), 0);
}

TEST(WebSocketListener, PlainHttpRequestIsRefused) {
    EchoListener server(ws_options(), "ws", 1);
    boost::asio::io_context io;
    tcp::socket s(io);
    s.connect(local(server.port()));
    http::request<http::empty_body> req{http::verb::get, "/mqtt", 11};
    req.set(http::field::host, "localhost");
    http::write(s, req);
    beast::flat_buffer b;
    http::response<http::string_body> res;
    http::read(s, b, res);
    EXPECT_EQ(res.result(), http::status::bad_request);
    EXPECT_EQ(server.accepted.load(), 0);
}

TEST(WebSocketListener, TruncatedUpgradeRequestTimesOut) {
    auto opts = ws_options();
    opts.handshake_timeout = 200ms;
    EchoListener server(opts, "ws", 1);
    boost::asio::io_context io;
    tcp::socket s(io);
    s.connect(local(server.port()));
    boost::asio::write(s, boost::asio::buffer(std::string("GET /mqtt HTTP/1.1\r\nHost: x\r\n")));
    auto start = std::chrono::steady_clock::now();
    std::array<char, 64> buf{};
    boost::system::error_code ec;
    s.read_some(boost::asio::buffer(buf), ec);
    EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_EQ(server.accepted.load(), 0);
}

TEST(WebSocketTransport, TextMessageClosesTheConnection) {
    EchoListener server(ws_options(), "ws", 1);
    boost::asio::io_context io;
    websocket::stream<tcp::socket> ws(io);
    ws.next_layer().connect(local(server.port()));
    ws.handshake("localhost", "/mqtt");
    ws.text(true);
    ws.write(boost::asio::buffer(std::string("hello")));
    beast::flat_buffer b;
    boost::system::error_code ec;
    ws.read(b, ec);
    EXPECT_TRUE(ec);
    EXPECT_EQ(b.size(), 0u);
}

TEST(WebSocketTransport, ShutdownSendsCloseFrame) {
    test::EventLoops loops(1);
    std::promise<std::unique_ptr<Transport>> got;
    auto listener = Listener::start(
        loops.contexts(), ws_options(),
        [&](std::size_t, std::unique_ptr<Transport> t) { got.set_value(std::move(t)); });
    ASSERT_TRUE(listener);
    boost::asio::io_context io;
    websocket::stream<tcp::socket> ws(io);
    ws.next_layer().connect(local((*listener)->port()));
    ws.handshake("localhost", "/mqtt");
    auto transport = got.get_future().get();
    EXPECT_EQ(transport->kind(), "ws");
    EXPECT_EQ(transport->remote_port(), ws.next_layer().local_endpoint().port());
    std::string last = "bye";
    std::vector<boost::asio::const_buffer> bufs{boost::asio::buffer(last)};
    std::array<char, 16> rbuf{};
    std::promise<boost::system::error_code> read_result;
    test::run_on(loops.io(0), [&] {
        // An outstanding read alongside the close handshake, as the broker has.
        transport->async_read_some(
            boost::asio::buffer(rbuf),
            [&](const boost::system::error_code& ec, std::size_t) { read_result.set_value(ec); });
        transport->async_write(bufs, [](const boost::system::error_code&, std::size_t) {});
        transport->shutdown();
    });
    EXPECT_EQ(read_bytes(ws, 3), "bye");
    beast::flat_buffer b;
    boost::system::error_code ec;
    ws.read(b, ec);
    EXPECT_EQ(ec, websocket::error::closed) << ec.message();
    EXPECT_EQ(ws.reason().code, websocket::close_code::normal);
    auto f = read_result.get_future();
    ASSERT_EQ(f.wait_for(2s), std::future_status::ready);
    EXPECT_TRUE(f.get());
    test::run_on(loops.io(0), [&] { transport.reset(); });
}

TEST(SecureWebSocketListener, EchoesOverTls) {
    EchoListener server(ws_options(ListenerOptions::Kind::WebSocketTls), "wss");
    auto client_ctx = test::client_tls_context();
    boost::asio::io_context io;
    websocket::stream<beast::ssl_stream<tcp::socket>> ws(io, client_ctx);
    beast::get_lowest_layer(ws).connect(local(server.port()));
    ws.next_layer().set_verify_callback(boost::asio::ssl::host_name_verification("localhost"));
    ws.next_layer().handshake(boost::asio::ssl::stream_base::client);
    offer_mqtt(ws);
    websocket::response_type res;
    ws.handshake(res, "localhost", "/mqtt");
    EXPECT_EQ(res[http::field::sec_websocket_protocol], "mqtt");
    ws.binary(true);
    std::string msg(30000, 'w');
    ws.write(boost::asio::buffer(msg.substr(0, 10)));
    ws.write(boost::asio::buffer(msg.substr(10)));
    EXPECT_TRUE(read_bytes(ws, msg.size()) == msg);
    ws.close(websocket::close_code::normal);
    EXPECT_EQ(server.wrong_kind.load(), 0);
}

TEST(SecureWebSocketListener, OtherPathGets404) {
    EchoListener server(ws_options(ListenerOptions::Kind::WebSocketTls), "wss", 1);
    auto client_ctx = test::client_tls_context();
    boost::asio::io_context io;
    websocket::stream<beast::ssl_stream<tcp::socket>> ws(io, client_ctx);
    beast::get_lowest_layer(ws).connect(local(server.port()));
    ws.next_layer().handshake(boost::asio::ssl::stream_base::client);
    websocket::response_type res;
    boost::system::error_code ec;
    ws.handshake(res, "localhost", "/", ec);
    EXPECT_EQ(ec, websocket::error::upgrade_declined) << ec.message();
    EXPECT_EQ(res.result(), http::status::not_found);
}

}  // namespace
}  // namespace ts::net
