#include <gtest/gtest.h>

#include <set>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "net/listener.hpp"
#include "net_test_util.hpp"

namespace ts::net {
namespace {

using boost::asio::ip::tcp;
using namespace std::chrono_literals;

ListenerOptions tcp_options() {
    ListenerOptions o;
    o.bind_address = "127.0.0.1";
    o.port = 0;
    o.kind = ListenerOptions::Kind::Tcp;
    // Most tests here connect and wait for the accept before sending.
    o.defer_accept = false;
    return o;
}

// The server's end of the connection whose client end is `client`, found
// among this process's descriptors.
int server_end_of(const tcp::socket& client) {
    const auto mine = client.local_endpoint();
    const auto theirs = client.remote_endpoint();
    for (int fd = 3; fd < 4096; ++fd) {
        sockaddr_in local{}, peer{};
        socklen_t ll = sizeof local, pl = sizeof peer;
        if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
        if (local.sin_family != AF_INET || ntohs(local.sin_port) != theirs.port()) continue;
        if (ntohs(peer.sin_port) == mine.port()) return fd;
    }
    return -1;
}

tcp::socket connect_to(boost::asio::io_context& io, std::uint16_t port) {
    tcp::socket s(io);
    s.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    return s;
}

TEST(TcpListener, EchoesOverTwoThreadsAndSpreadsConnections) {
    test::EventLoops loops(2);
    std::atomic<int> accepted[2] = {0, 0};
    std::atomic<int> wrong_thread{0};
    std::mutex m;
    std::vector<std::string> kinds, addresses;
    auto listener = Listener::start(loops.contexts(), tcp_options(),
                                    [&](std::size_t index, std::unique_ptr<Transport> t) {
                                        if (std::this_thread::get_id() != loops.thread_id(index))
                                            ++wrong_thread;
                                        {
                                            std::lock_guard lock(m);
                                            kinds.emplace_back(t->kind());
                                            addresses.push_back(t->remote_address());
                                        }
                                        ++accepted[index];
                                        std::make_shared<test::Echo>(std::move(t))->start();
                                    });
    ASSERT_TRUE(listener) << listener.error().message;
    std::uint16_t port = (*listener)->port();
    ASSERT_NE(port, 0);

    boost::asio::io_context client_io;
    std::vector<tcp::socket> clients;
    for (int i = 0; i < 32; ++i) {
        clients.push_back(connect_to(client_io, port));
        std::string msg = "hello " + std::to_string(i);
        boost::asio::write(clients.back(), boost::asio::buffer(msg));
        std::string back(msg.size(), '\0');
        boost::asio::read(clients.back(), boost::asio::buffer(back));
        EXPECT_EQ(back, msg);
    }
    EXPECT_TRUE(test::eventually([&] { return accepted[0] + accepted[1] == 32; }));
    EXPECT_GT(accepted[0].load(), 0);
    EXPECT_GT(accepted[1].load(), 0);
    EXPECT_EQ(wrong_thread.load(), 0);
    std::lock_guard lock(m);
    for (auto& k : kinds) EXPECT_EQ(k, "tcp");
    for (auto& a : addresses) EXPECT_EQ(a, "127.0.0.1");
}

TEST(TcpListener, EachTransportNamesItsOwnPeer) {
    // The peer's address and port come with each accept; connections that
    // arrive together (accepted back to back) must not get each other's.
    test::EventLoops loops(2);
    std::mutex m;
    std::set<std::uint16_t> seen;
    std::vector<std::string> addresses;
    std::vector<std::shared_ptr<Transport>> kept;
    auto listener = Listener::start(loops.contexts(), tcp_options(),
                                    [&](std::size_t, std::unique_ptr<Transport> t) {
                                        std::lock_guard lock(m);
                                        seen.insert(t->remote_port());
                                        addresses.push_back(t->remote_address());
                                        kept.push_back(std::move(t));
                                    });
    ASSERT_TRUE(listener) << listener.error().message;
    boost::asio::io_context client_io;
    std::vector<tcp::socket> clients;
    std::set<std::uint16_t> ports;
    for (int i = 0; i < 200; ++i) {
        clients.push_back(connect_to(client_io, (*listener)->port()));
        ports.insert(clients.back().local_endpoint().port());
    }
    EXPECT_TRUE(test::eventually([&] {
        std::lock_guard lock(m);
        return kept.size() == clients.size();
    }));
    std::lock_guard lock(m);
    EXPECT_EQ(seen, ports);
    for (const auto& a : addresses) EXPECT_EQ(a, "127.0.0.1");
    (*listener)->stop();
    // The transports are destroyed below, on this thread: their loops must
    // have stopped first (a transport belongs to its loop's thread).
    loops.stop();
}

// Small MQTT packets (PUBACK, PINGRESP) must leave at once, not wait for
// Nagle's algorithm; accepted sockets inherit the option from the listener.
TEST(TcpListener, AcceptedSocketsSendWithoutDelay) {
    test::EventLoops loops(1);
    std::atomic<int> accepted{0};
    std::vector<std::unique_ptr<Transport>> kept;
    auto listener = Listener::start(loops.contexts(), tcp_options(),
                                    [&](std::size_t, std::unique_ptr<Transport> t) {
                                        kept.push_back(std::move(t));
                                        ++accepted;
                                    });
    ASSERT_TRUE(listener) << listener.error().message;
    boost::asio::io_context client_io;
    auto client = connect_to(client_io, (*listener)->port());
    ASSERT_TRUE(test::eventually([&] { return accepted == 1; }));
    const int fd = server_end_of(client);
    ASSERT_GE(fd, 0);
    int nodelay = 0;
    socklen_t len = sizeof nodelay;
    ASSERT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
    EXPECT_NE(nodelay, 0);
    test::run_on(loops.io(0), [&] { kept.clear(); });
}

// With deferred accept a client that speaks first is handed over with its
// bytes, and one that stays silent is still handed over, a little later.
TEST(TcpListener, DeferredAcceptHandsOverSpeakersAndSilentClients) {
    test::EventLoops loops(1);
    auto opts = tcp_options();
    opts.defer_accept = true;
    std::atomic<int> accepted{0};
    auto listener =
        Listener::start(loops.contexts(), opts, [&](std::size_t, std::unique_ptr<Transport> t) {
            ++accepted;
            std::make_shared<test::Echo>(std::move(t))->start();
        });
    ASSERT_TRUE(listener) << listener.error().message;
    boost::asio::io_context client_io;
    auto speaker = connect_to(client_io, (*listener)->port());
    const std::string msg = "CONNECT";
    boost::asio::write(speaker, boost::asio::buffer(msg));
    std::string back(msg.size(), '\0');
    boost::asio::read(speaker, boost::asio::buffer(back));
    EXPECT_EQ(back, msg);
    EXPECT_EQ(accepted.load(), 1);

    auto silent = connect_to(client_io, (*listener)->port());
    EXPECT_TRUE(test::eventually([&] { return accepted == 2; }, 10s));
    (*listener)->stop();
}

TEST(TcpListener, EchoesLargeTransfersWithPartialWrites) {
    test::EventLoops loops(1);
    auto listener = Listener::start(loops.contexts(), tcp_options(),
                                    [](std::size_t, std::unique_ptr<Transport> t) {
                                        std::make_shared<test::Echo>(std::move(t))->start();
                                    });
    ASSERT_TRUE(listener) << listener.error().message;
    boost::asio::io_context client_io;
    auto s = connect_to(client_io, (*listener)->port());
    std::string data(4 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + (i >> 12));
    std::string back(data.size(), '\0');
    // Writing everything before reading would deadlock on full socket buffers.
    std::thread writer([&] { boost::asio::write(s, boost::asio::buffer(data)); });
    boost::asio::read(s, boost::asio::buffer(back));
    writer.join();
    EXPECT_TRUE(back == data);
}

TEST(TcpListener, StopRefusesNewConnections) {
    test::EventLoops loops(2);
    std::atomic<int> accepted{0};
    auto listener = Listener::start(loops.contexts(), tcp_options(),
                                    [&](std::size_t, std::unique_ptr<Transport>) { ++accepted; });
    ASSERT_TRUE(listener);
    auto port = (*listener)->port();
    (*listener)->stop();
    (*listener)->stop();  // idempotent
    boost::asio::io_context client_io;
    // The close is posted to the loops; give it a moment.
    EXPECT_TRUE(test::eventually([&] {
        tcp::socket s(client_io);
        boost::system::error_code ec;
        s.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), ec);
        return ec == boost::asio::error::connection_refused;
    }));
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(accepted.load(), 0);
}

TEST(TcpListener, ReportsBindErrors) {
    test::EventLoops loops(2);
    auto first = Listener::start(loops.contexts(), tcp_options(),
                                 [](std::size_t, std::unique_ptr<Transport>) {});
    ASSERT_TRUE(first);
    auto opts = tcp_options();
    opts.port = (*first)->port();
    auto second =
        Listener::start(loops.contexts(), opts, [](std::size_t, std::unique_ptr<Transport>) {});
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, static_cast<int>(ErrorCode::BindFailed));
    EXPECT_NE(second.error().message.find(std::to_string(opts.port)), std::string::npos);

    opts.bind_address = "not-an-ip";
    auto third =
        Listener::start(loops.contexts(), opts, [](std::size_t, std::unique_ptr<Transport>) {});
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().code, static_cast<int>(ErrorCode::InvalidAddress));

    auto none = Listener::start({}, tcp_options(), [](std::size_t, std::unique_ptr<Transport>) {});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, static_cast<int>(ErrorCode::InvalidOptions));

    auto tls_opts = tcp_options();
    tls_opts.kind = ListenerOptions::Kind::Tls;
    auto no_ctx =
        Listener::start(loops.contexts(), tls_opts, [](std::size_t, std::unique_ptr<Transport>) {});
    ASSERT_FALSE(no_ctx);
    EXPECT_EQ(no_ctx.error().code, static_cast<int>(ErrorCode::InvalidOptions));
}

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return sec(u.ru_utime) + sec(u.ru_stime);
}

TEST(TcpListener, BacksOffWhenOutOfDescriptors) {
    test::EventLoops loops(1);
    std::atomic<int> accepted{0};
    auto listener = Listener::start(loops.contexts(), tcp_options(),
                                    [&](std::size_t, std::unique_ptr<Transport>) { ++accepted; });
    ASSERT_TRUE(listener);
    boost::asio::io_context client_io;
    tcp::socket client(client_io);
    client.open(tcp::v4());  // its descriptor must exist before the table is full
    // Read before the table is full: UBSan's type checks need descriptors too.
    const std::uint16_t port = (*listener)->port();

    rlimit old_limit{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old_limit), 0);
    rlimit low = old_limit;
    low.rlim_cur = std::min<rlim_t>(old_limit.rlim_cur, 512);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    std::vector<int> fillers;
    for (int fd; (fd = open("/dev/null", O_RDONLY)) >= 0;) fillers.push_back(fd);

    client.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    double cpu_before = cpu_seconds();
    std::this_thread::sleep_for(500ms);
    double cpu_used = cpu_seconds() - cpu_before;
    EXPECT_EQ(accepted.load(), 0);

    for (int fd : fillers) ::close(fd);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old_limit), 0);
    // A spinning accept loop would burn ~0.5 s of CPU here.
    EXPECT_LT(cpu_used, 0.2);
    EXPECT_TRUE(test::eventually([&] { return accepted == 1; }, 2s));
}

// Accepts one connection and hands its Transport to the test on the loop.
struct OneConnection {
    test::EventLoops loops{1};
    std::unique_ptr<Listener> listener;
    std::unique_ptr<Transport> transport;
    std::atomic<bool> ready{false};
    boost::asio::io_context client_io;
    tcp::socket client{client_io};

    explicit OneConnection(ListenerOptions opts = tcp_options()) {
        auto l = Listener::start(loops.contexts(), std::move(opts),
                                 [this](std::size_t, std::unique_ptr<Transport> t) {
                                     transport = std::move(t);
                                     ready = true;
                                 });
        EXPECT_TRUE(l);
        listener = std::move(*l);
        client = connect_to(client_io, listener->port());
        EXPECT_TRUE(test::eventually([&] { return ready.load(); }));
    }
    ~OneConnection() {
        test::run_on(loops.io(0), [&] { transport.reset(); });
    }
};

TEST(TcpTransport, ReportsPeerAndKind) {
    OneConnection c;
    ASSERT_TRUE(c.transport);
    EXPECT_EQ(c.transport->kind(), "tcp");
    EXPECT_EQ(c.transport->remote_address(), "127.0.0.1");
    EXPECT_EQ(c.transport->remote_port(), c.client.local_endpoint().port());
}

TEST(TcpTransport, CloseCompletesPendingReadWithError) {
    OneConnection c;
    std::promise<boost::system::error_code> result;
    std::array<char, 16> buf{};
    test::run_on(c.loops.io(0), [&] {
        c.transport->async_read_some(
            boost::asio::buffer(buf),
            [&](const boost::system::error_code& ec, std::size_t) { result.set_value(ec); });
        c.transport->close();
        c.transport->close();
    });
    auto f = result.get_future();
    ASSERT_EQ(f.wait_for(2s), std::future_status::ready);
    EXPECT_TRUE(f.get());
    // The client sees the connection go.
    boost::system::error_code ec;
    c.client.read_some(boost::asio::buffer(buf), ec);
    EXPECT_TRUE(ec);
}

TEST(TcpTransport, DestroyingWithPendingOperationsDropsHandlers) {
    OneConnection c;
    std::atomic<int> called{0};
    std::array<char, 16> buf{};
    test::run_on(c.loops.io(0), [&] {
        c.transport->async_read_some(boost::asio::buffer(buf), [&](const boost::system::error_code&,
                                                                   std::size_t) { ++called; });
        c.transport.reset();
    });
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(called.load(), 0);
    boost::system::error_code ec;
    c.client.read_some(boost::asio::buffer(buf), ec);
    EXPECT_EQ(ec, boost::asio::error::eof);
}

TEST(TcpTransport, ShutdownDeliversPendingWriteThenEof) {
    OneConnection c;
    std::string payload(256 * 1024, 'x');
    std::vector<boost::asio::const_buffer> bufs{boost::asio::buffer(payload)};
    test::run_on(c.loops.io(0), [&] {
        c.transport->async_write(bufs, [](const boost::system::error_code&, std::size_t) {});
        c.transport->shutdown();
        // Destroying after shutdown() lets the graceful close finish on its own.
        c.transport.reset();
    });
    std::string got;
    std::array<char, 65536> buf{};
    boost::system::error_code ec;
    while (!ec) {
        auto n = c.client.read_some(boost::asio::buffer(buf), ec);
        got.append(buf.data(), n);
    }
    EXPECT_EQ(ec, boost::asio::error::eof);
    EXPECT_EQ(got.size(), payload.size());
}

// Reads until an error, appending what arrives; the result is set on the
// error (the end of the stream is boost::asio::error::eof).
struct ReadAll : std::enable_shared_from_this<ReadAll> {
    Transport* t = nullptr;
    std::array<char, 64> buf{};  // small: several reads per burst
    std::string got;
    std::promise<boost::system::error_code> done;
    void read() {
        t->async_read_some(
            boost::asio::buffer(buf),
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                if (ec) return self->done.set_value(ec);
                self->got.append(self->buf.data(), n);
                self->read();
            });
    }
};

TEST(TcpTransport, DataThenFinArriveWholeAndInOrder) {
    // The FIN comes with (or right behind) the data: a read that empties the
    // socket must not make the transport wait for an edge that was already
    // reported, or the end of the stream is never seen.
    for (int round = 0; round < 20; ++round) {
        OneConnection c;
        auto r = std::make_shared<ReadAll>();
        r->t = c.transport.get();
        std::string sent(100 + round * 37, 'a');
        for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>('a' + i % 26);
        boost::asio::write(c.client, boost::asio::buffer(sent));
        c.client.shutdown(tcp::socket::shutdown_send);
        if (round % 2 == 0) std::this_thread::sleep_for(5ms);  // both before and after the read
        test::run_on(c.loops.io(0), [&] { r->read(); });
        auto f = r->done.get_future();
        ASSERT_EQ(f.wait_for(2s), std::future_status::ready) << "round " << round;
        EXPECT_EQ(f.get(), boost::asio::error::eof);
        EXPECT_EQ(r->got, sent);
    }
}

TEST(TcpTransport, ReadsWhatArrivesAfterQuietPeriods) {
    // After a read found the socket empty, the next bytes must still wake it.
    OneConnection c;
    auto r = std::make_shared<ReadAll>();
    r->t = c.transport.get();
    test::run_on(c.loops.io(0), [&] { r->read(); });
    std::string sent;
    for (int i = 0; i < 10; ++i) {
        std::string chunk(1 + i * 13, static_cast<char>('0' + i));
        boost::asio::write(c.client, boost::asio::buffer(chunk));
        sent += chunk;
        ASSERT_TRUE(test::eventually(
            [&] {
                return test::run_on(c.loops.io(0), [&] { return r->got.size(); }) == sent.size();
            },
            2s))
            << "chunk " << i;
    }
    c.client.close();
    auto f = r->done.get_future();
    ASSERT_EQ(f.wait_for(2s), std::future_status::ready);
    EXPECT_EQ(r->got, sent);
}

TEST(TcpTransport, StoppedEventLoopReleasesWhatPendingHandlersHold) {
    // A pending read's handler keeping its owner alive (the broker's
    // connections do) must be released when the event loop goes away, or the
    // owner and its transport leak.
    struct Owner {
        std::unique_ptr<Transport> t;
    };
    std::weak_ptr<Owner> watch;
    auto loops = std::make_unique<test::EventLoops>(1);
    std::array<char, 16> buf{};
    auto listener = Listener::start(
        loops->contexts(), tcp_options(), [&](std::size_t, std::unique_ptr<Transport> t) {
            auto owner = std::make_shared<Owner>();
            owner->t = std::move(t);
            owner->t->async_read_some(
                boost::asio::buffer(buf),
                [owner](const boost::system::error_code&, std::size_t) { owner->t.reset(); });
            watch = owner;
        });
    ASSERT_TRUE(listener);
    boost::asio::io_context client_io;
    auto client = connect_to(client_io, (*listener)->port());
    ASSERT_TRUE(test::eventually(
        [&] { return test::run_on(loops->io(0), [&] { return !watch.expired(); }); }));
    (*listener)->stop();
    listener->reset();
    loops.reset();  // stops the thread and destroys the io_context
    EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace ts::net
