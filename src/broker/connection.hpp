#pragma once
// One client's network connection: reads and frames packets, hands them to
// the broker, and writes what is queued for it. It lives on one event-loop
// thread; other threads only append to its output (under out_mutex_) and
// post a flush.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "broker/authenticator.hpp"
#include "broker/session.hpp"
#include "mqtt/codec.hpp"
#include "net/transport.hpp"

namespace ts::broker {

class Broker;
class Worker;

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(Broker& broker, Worker& worker, std::unique_ptr<net::Transport> transport);
    ~Connection();

    void start();

    // --- any thread, caller holds the session's mutex ---
    // Encodes a PUBLISH for this client. Returns false when it was not sent:
    // larger than the client's maximum packet size, or (QoS 0) the client is
    // not reading and its output is full.
    bool send_publish(const Delivery& d, bool dup);
    void send_pubrel(std::uint16_t packet_id);

    // --- any thread ---
    // Asks the connection to close from its own thread because its session
    // was taken over. When the session `resumed` elsewhere, a will with a
    // delay is dropped (the delay ended by reconnecting).
    void kick(mqtt::ReasonCode reason, bool resumed);
    // Closes with DISCONNECT 0x8B (5.0); the session is kept, no will is sent.
    void shutdown_close();

    // --- own thread ---
    // Closes with `reason` (sent as DISCONNECT in 5.0).
    void close_for(mqtt::ReasonCode reason, std::string_view why) { close_with(reason, true, why); }
    const IdentityPtr& identity() const { return identity_; }

    // --- backpressure ---
    // Own thread, while handling a PUBLISH: stop reading this client's
    // packets (acknowledgements already buffered are still handled). Returns
    // false when already paused or closing.
    bool pause_reading();
    // Any thread: read again (posted to the connection's thread).
    void resume_reading();
    // Own thread.
    const SessionPtr& session() const { return session_; }
    bool paused() const { return paused_; }

    // --- own thread ---
    void check_timeouts(Millis now);
    mqtt::ProtocolVersion version() const { return version_; }
    const std::string& client_id() const { return client_id_; }
    const net::Transport& transport() const { return *transport_; }
    bool closed() const { return closed_; }

private:
    friend class ConnectionHandlers;
    struct Segment {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
        SharedBuffer payload;  // when set, the segment is this payload
    };

    void read_more();
    void on_read(std::size_t n);
    bool process_packets();
    void handle(mqtt::Packet&& p);

    // Output. append_packet may be called from any thread.
    void append_packet(const mqtt::Packet& p);
    void schedule_flush_locked();
    void flush();
    void on_written(const boost::system::error_code& ec, std::size_t n);
    void release_idle_buffers();
    boost::asio::io_context& ioc();  // the worker's

    // Closing. `reason` is sent as DISCONNECT in 5.0 when `notify` is set.
    void close_with(mqtt::ReasonCode reason, bool notify, std::string_view why);
    void close_now(bool graceful = false);
    void on_closed();

    // Packet handlers (connection_handlers.cpp).
    void on_connect(mqtt::Connect&& c);
    void on_publish(mqtt::Publish&& p);
    void on_pub_response(const mqtt::PubResponse& r);
    void flush_acks();  // hands the acknowledgements read to the broker
    void on_subscribe(mqtt::Subscribe&& s);
    void on_unsubscribe(mqtt::Unsubscribe&& u);
    void on_disconnect(const mqtt::Disconnect& d);
    mqtt::ReasonCode resolve_topic_alias(mqtt::Publish& p);
    // A delivery's PUBLISH with its 5.0 properties; caller holds the session mutex.
    mqtt::Publish full_publish(const Delivery& d, bool dup);
    // Adapts the next read's buffer to the traffic (a read of `n` bytes done).
    void size_next_read(std::size_t n);

    Broker& broker_;
    Worker& worker_;  // its io_context is this connection's thread
    std::unique_ptr<net::Transport> transport_;

    // The fields are ordered so that the small ones share words: an idle
    // connection's size is what the broker holds per device
    // (docs/benchmarks.md, idle memory).

    // Own thread.
    std::string client_id_;
    SessionPtr session_;
    IdentityPtr identity_;
    WillPtr will_;
    Millis connected_at_ = 0;
    Millis last_activity_ = 0;
    std::vector<std::uint8_t> rbuf_;
    std::uint32_t rlen_ = 0;
    std::uint32_t read_offered_ = 0;  // free bytes given to the outstanding read
    std::uint32_t read_target_ = 0;   // the next read's buffer, see kQuietReadBuffer
    std::uint16_t keep_alive_s_ = 0;
    std::uint16_t inbound_qos2_count_ = 0;
    enum class State : std::uint8_t {
        AwaitingConnect,
        Connected,
        Closing,
        Closed
    } state_ = State::AwaitingConnect;
    mqtt::ProtocolVersion version_ = mqtt::ProtocolVersion::v311;
    std::uint8_t small_reads_ = 0;
    bool publish_will_on_close_ = true;
    bool closed_ = false;
    bool reading_ = false;
    bool paused_ = false;  // backpressure: reads stopped until a session drains
    static constexpr std::size_t kMaxPendingAcks = 256;

    // Limits the client announced in CONNECT (written before the session is
    // attached, read under the session lock afterwards).
    std::uint32_t client_max_packet_ = 0;  // 0: no limit beyond the protocol's
    std::uint16_t client_alias_max_ = 0;
    // Topic aliases (5.0), allocated when a client uses them: most never do.
    struct TopicAliases {
        std::vector<std::string> inbound;                         // own thread; index = alias - 1
        std::unordered_map<std::string, std::uint16_t> outbound;  // guarded by session mutex
    };
    std::unique_ptr<TopicAliases> aliases_;

    // Output, guarded by out_mutex_.
    std::mutex out_mutex_;
    std::vector<std::uint8_t> out_arena_;
    std::vector<Segment> out_segments_;
    std::size_t out_bytes_ = 0;
    std::uint32_t out_publishes_ = 0;
    bool flush_scheduled_ = false;
    bool out_closed_ = false;

    // Own thread: the batch being written.
    std::vector<std::uint8_t> w_arena_;
    std::vector<Segment> w_segments_;
    std::uint32_t w_publishes_ = 0;
    bool writing_ = false;
    bool wrote_since_tick_ = false;  // see release_idle_buffers
    bool buffers_held_ = false;      // the output vectors may hold capacity
    bool close_after_write_ = false;
};

using ConnectionPtr = std::shared_ptr<Connection>;

}  // namespace ts::broker
