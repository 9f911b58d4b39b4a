#pragma once
// One asynchronous MQTT 3.1.1 client connection for the load generator: it
// lives on one io_context (one thread), binds a chosen source address,
// connects, sends CONNECT, and then hands every packet to its Handler. No
// locks: everything a connection touches belongs to its thread.
//
// Writes are batched: callers append encoded packets to out() and call
// flush(); while one write is in flight the next batch accumulates, so a
// flat-out publisher issues one write per batch, not per message. queued()
// lets a publisher stop producing when the broker reads slower than it writes.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mqtt/codec.hpp"
#include "mqtt/packets.hpp"

namespace ts::app::bench {

using Clock = std::chrono::steady_clock;

// A received PUBLISH, pointing into the connection's read buffer: valid only
// during Handler::on_publish. Parsed without allocating (the codec's decode()
// would allocate a topic and a payload per message, which at a million
// messages a second would make the generator the thing being measured).
struct PublishView {
    std::string_view topic;
    std::uint8_t qos = 0;
    std::uint16_t packet_id = 0;
    std::span<const std::uint8_t> payload;
};

class Connection {
public:
    class Handler {
    public:
        virtual ~Handler() = default;
        // CONNACK with return code 0.
        virtual void on_connack(Connection& c) = 0;
        virtual void on_suback(Connection& c, bool granted) {
            (void)c;
            (void)granted;
        }
        // `now` is read once per socket read, not per message.
        virtual void on_publish(Connection& c, const PublishView& p, Clock::time_point now) {
            (void)c;
            (void)p;
            (void)now;
        }
        virtual void on_puback(Connection& c, std::uint16_t packet_id) {
            (void)c;
            (void)packet_id;
        }
        // A write finished and the queue has room again.
        virtual void on_drained(Connection& c) { (void)c; }
        // Refused, reset, closed by the broker, or a bad packet: called once,
        // never after close().
        virtual void on_failed(Connection& c, const std::string& why) = 0;
    };

    // `source` unspecified (0.0.0.0): let the kernel choose.
    Connection(boost::asio::io_context& ioc, Handler& handler,
               const boost::asio::ip::tcp::endpoint& broker, const boost::asio::ip::address& source,
               mqtt::Connect connect, std::size_t read_buffer_bytes);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void start();
    void subscribe(const std::string& filter, mqtt::QoS qos);
    void send_ping();

    std::vector<std::uint8_t>& out() { return pending_; }
    void flush();
    std::size_t queued() const { return pending_.size() + writing_.size(); }

    bool connected() const { return connected_; }  // CONNACK received
    bool closed() const { return closed_; }
    // Closes without telling the handler.
    void close();

private:
    void on_tcp_connected();
    void read();
    void consume(Clock::time_point now);
    bool dispatch(std::span<const std::uint8_t> packet, const mqtt::FixedHeader& header,
                  Clock::time_point now);
    void fail(const std::string& why);

    boost::asio::ip::tcp::socket socket_;
    Handler& handler_;
    boost::asio::ip::tcp::endpoint broker_;
    boost::asio::ip::address source_;
    mqtt::Connect connect_;
    std::vector<std::uint8_t> inbuf_;
    std::size_t inlen_ = 0;
    std::vector<std::uint8_t> pending_, writing_;
    bool write_active_ = false;
    bool connected_ = false;
    bool closed_ = false;
};

}  // namespace ts::app::bench
