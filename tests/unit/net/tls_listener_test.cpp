#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <future>
#include <string>

#include "net/listener.hpp"
#include "net_test_util.hpp"
#include "tls_test_util.hpp"

namespace ts::net {
namespace {

using boost::asio::ip::tcp;
namespace ssl = boost::asio::ssl;
using namespace std::chrono_literals;
using SslClient = ssl::stream<tcp::socket>;

ListenerOptions tls_options() {
    ListenerOptions o;
    o.bind_address = "127.0.0.1";
    o.kind = ListenerOptions::Kind::Tls;
    o.tls = test::server_tls_context();
    return o;
}

tcp::endpoint local(std::uint16_t port) {
    return {boost::asio::ip::make_address("127.0.0.1"), port};
}

void tls_connect(SslClient& c, std::uint16_t port) {
    c.next_layer().connect(local(port));
    c.set_verify_callback(ssl::host_name_verification("localhost"));
    c.handshake(ssl::stream_base::client);
}

TEST(TlsListener, EchoesOverTwoThreads) {
    test::EventLoops loops(2);
    std::atomic<int> accepted{0};
    std::atomic<int> wrong_kind{0};
    auto listener = Listener::start(
        loops.contexts(), tls_options(), [&](std::size_t, std::unique_ptr<Transport> t) {
            if (t->kind() != "tls" || t->remote_address() != "127.0.0.1") ++wrong_kind;
            ++accepted;
            std::make_shared<test::Echo>(std::move(t))->start();
        });
    ASSERT_TRUE(listener) << listener.error().message;
    auto client_ctx = test::client_tls_context();
    boost::asio::io_context client_io;
    for (int i = 0; i < 4; ++i) {
        SslClient c(client_io, client_ctx);
        tls_connect(c, (*listener)->port());
        std::string msg(20000 + i, 'a' + static_cast<char>(i));  // several TLS records
        boost::asio::write(c, boost::asio::buffer(msg));
        std::string back(msg.size(), '\0');
        boost::asio::read(c, boost::asio::buffer(back));
        EXPECT_EQ(back, msg);
        boost::system::error_code ec;
        c.shutdown(ec);
    }
    EXPECT_TRUE(test::eventually([&] { return accepted == 4; }));
    EXPECT_EQ(wrong_kind.load(), 0);
}

TEST(TlsListener, SilentClientIsClosedAfterHandshakeTimeout) {
    test::EventLoops loops(1);
    std::atomic<int> accepted{0};
    auto opts = tls_options();
    opts.handshake_timeout = 200ms;
    auto listener = Listener::start(loops.contexts(), opts,
                                    [&](std::size_t, std::unique_ptr<Transport>) { ++accepted; });
    ASSERT_TRUE(listener);
    boost::asio::io_context client_io;
    tcp::socket s(client_io);
    s.connect(local((*listener)->port()));
    auto start = std::chrono::steady_clock::now();
    std::array<char, 16> buf{};
    boost::system::error_code ec;
    s.read_some(boost::asio::buffer(buf), ec);  // blocks until the server closes
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset)
        << ec.message();
    EXPECT_GE(elapsed, 150ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_EQ(accepted.load(), 0);
}

TEST(TlsListener, PlainClientIsClosedQuietly) {
    test::EventLoops loops(1);
    std::atomic<int> accepted{0};
    auto listener = Listener::start(loops.contexts(), tls_options(),
                                    [&](std::size_t, std::unique_ptr<Transport>) { ++accepted; });
    ASSERT_TRUE(listener);
    boost::asio::io_context client_io;
    tcp::socket s(client_io);
    s.connect(local((*listener)->port()));
    // An MQTT CONNECT where a ClientHello should be.
    const std::uint8_t connect[] = {0x10, 0x0c, 0x00, 0x04, 'M',  'Q',  'T',
                                    'T',  0x04, 0x02, 0x00, 0x3c, 0x00, 0x00};
    boost::asio::write(s, boost::asio::buffer(connect));
    std::array<char, 256> buf{};
    boost::system::error_code ec;
    while (!ec) s.read_some(boost::asio::buffer(buf), ec);  // a TLS alert, then the close
    EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset);
    EXPECT_EQ(accepted.load(), 0);
}

TEST(TlsTransport, ShutdownSendsCloseNotify) {
    test::EventLoops loops(1);
    std::promise<std::unique_ptr<Transport>> got;
    auto listener = Listener::start(
        loops.contexts(), tls_options(),
        [&](std::size_t, std::unique_ptr<Transport> t) { got.set_value(std::move(t)); });
    ASSERT_TRUE(listener);
    auto client_ctx = test::client_tls_context();
    boost::asio::io_context client_io;
    SslClient c(client_io, client_ctx);
    tls_connect(c, (*listener)->port());
    auto transport = got.get_future().get();
    EXPECT_EQ(transport->kind(), "tls");
    std::string last = "bye";
    std::vector<boost::asio::const_buffer> bufs{boost::asio::buffer(last)};
    test::run_on(loops.io(0), [&] {
        transport->async_write(bufs, [](const boost::system::error_code&, std::size_t) {});
        transport->shutdown();
        transport->shutdown();  // idempotent
    });
    std::string back(3, '\0');
    boost::asio::read(c, boost::asio::buffer(back));
    EXPECT_EQ(back, "bye");
    std::array<char, 16> buf{};
    boost::system::error_code ec;
    c.read_some(boost::asio::buffer(buf), ec);
    EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();  // close_notify, not truncation
    c.shutdown(ec);
    test::run_on(loops.io(0), [&] { transport.reset(); });
}

TEST(TlsContext, ReportsUnreadableFiles) {
    auto missing = make_server_tls_context("/nonexistent/cert.pem", test::test_cert().key);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, static_cast<int>(ErrorCode::TlsConfig));
    EXPECT_NE(missing.error().message.find("/nonexistent/cert.pem"), std::string::npos);

    // A key file that holds a certificate, not a key.
    auto wrong_key = make_server_tls_context(test::test_cert().cert, test::test_cert().cert);
    ASSERT_FALSE(wrong_key);
    EXPECT_EQ(wrong_key.error().code, static_cast<int>(ErrorCode::TlsConfig));

    auto ok = make_server_tls_context(test::test_cert().cert, test::test_cert().key);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(SSL_CTX_get_min_proto_version((*ok)->native_handle()), TLS1_2_VERSION);
}

}  // namespace
}  // namespace ts::net
