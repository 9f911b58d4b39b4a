#pragma once
// The client of the connect and idle scenarios: it connects, sends CONNECT,
// reads the CONNACK and then only holds the connection (PINGREQ when asked).
//
// It sits on the platform's own event loop for plain TCP (net::detail::Reactor)
// rather than asio's sockets, because in the connect scenario the generator
// shares the two cores with the broker and its system calls per connect set
// the rate as much as the broker's do. asio's non-blocking connect and reads
// made 15 calls per client (a poll and a getsockopt after the connect, the
// epoll registration changed for it, an ioctl for non-blocking mode, a read
// that finds nothing before the CONNACK and another after it); this makes 8:
// socket, setsockopt, bind, connect, send, epoll_ctl, recv, close.
#include <netinet/in.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "net/reactor.hpp"

namespace ts::app::bench {

class HeldConnection final : public net::detail::Reactor::Watcher {
public:
    class Handler {
    public:
        virtual ~Handler() = default;
        virtual void on_connack(HeldConnection& c) = 0;  // return code 0
        // Refused, reset, closed by the broker, or a bad packet: called once,
        // never after close().
        virtual void on_failed(HeldConnection& c, const std::string& why) = 0;
    };

    // `connect_packet` is the encoded CONNECT; `source` unspecified: the
    // kernel chooses.
    HeldConnection(boost::asio::io_context& ioc, Handler& handler,
                   const boost::asio::ip::tcp::endpoint& broker,
                   const boost::asio::ip::address& source,
                   std::vector<std::uint8_t> connect_packet);
    ~HeldConnection() override;
    HeldConnection(const HeldConnection&) = delete;
    HeldConnection& operator=(const HeldConnection&) = delete;

    void start();
    void send_ping();
    bool connected() const { return connected_; }  // CONNACK received
    bool closed() const { return closed_; }
    // Closes without telling the handler.
    void close();

private:
    void on_events(std::uint32_t events) override;
    void on_scheduled() override {}
    void on_reactor_shutdown(std::vector<std::function<void()>>& dropped) override;

    // Sends what is left of the CONNECT; false when the socket is not ready.
    bool send_connect();
    // Reads until the socket is empty; `peer_done`: the end of the stream
    // came with this edge, so a short read does not mean empty.
    void read_ready(bool peer_done);
    void consume();
    void fail(const std::string& why);
    void release();

    net::detail::Reactor& reactor_;
    Handler& handler_;
    boost::asio::ip::tcp::endpoint broker_;
    boost::asio::ip::address source_;
    std::vector<std::uint8_t> connect_;  // emptied once sent
    std::size_t connect_sent_ = 0;
    int fd_ = -1;
    bool watched_ = false;
    bool connected_ = false;
    bool closed_ = false;
    // CONNACK and PINGRESP are all that arrive, 4 and 2 bytes.
    std::uint8_t inbuf_[16] = {};
    std::size_t inlen_ = 0;
};

}  // namespace ts::app::bench
