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
#include "broker/log_gate.hpp"
#include "broker/session.hpp"
#include "core/thread_annotations.hpp"
#include "mqtt/codec.hpp"
#include "net/transport.hpp"

namespace ts::broker {

class Broker;
class Worker;
class Connection;
using ConnectionPtr = std::shared_ptr<Connection>;

class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(Worker& worker, std::unique_ptr<net::Transport> transport);
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
    // Takes `self`, the caller's reference (the session's): whatever
    // reference is the last must be released on the connection's own
    // thread, where its transport lives, so it travels with the close.
    static void kick(ConnectionPtr self, mqtt::ReasonCode reason, bool resumed);
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
    // Any thread: read again (posted to the connection's thread). Takes
    // the caller's reference, for the reason kick() does.
    static void resume_reading(ConnectionPtr self);
    // Own thread.
    const SessionPtr& session() const { return session_; }
    bool paused() const { return paused_; }

    // --- own thread ---
    void check_timeouts(Millis now);
    mqtt::ProtocolVersion version() const { return version_; }
    // The session's id (for a signed device, its product and name), empty
    // before CONNECT is accepted.
    const std::string& client_id() const;
    const net::Transport& transport() const { return *transport_; }
    bool closed() const { return closed_; }

private:
    friend class ConnectionHandlers;
    friend class Worker;  // worker_slot_
    struct Segment {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
        SharedBuffer payload;  // when set, the segment is this payload
    };

    void read_more();
    void on_read(std::size_t n);         // into rbuf_
    void on_shared_read(std::size_t n);  // into shared_read_buffer()
    void on_read_error(const boost::system::error_code& ec);
    bool first_bytes_acceptable(const std::uint8_t* data, std::size_t n);
    static std::vector<std::uint8_t>& shared_read_buffer();
    // Handles what rbuf_ holds; false once closing.
    bool process_packets();
    // Handles the packets in data[0, len) and returns the bytes they took:
    // the rest is a partial packet (`need`: its whole length once known) or
    // packets held while paused.
    std::size_t handle_packets(const std::uint8_t* data, std::size_t len, std::size_t& need);
    void handle(mqtt::Packet&& p);

    // Output. append_packet may be called from any thread.
    void append_packet(const mqtt::Packet& p);
    void schedule_flush_locked() TS_REQUIRES(out_mutex_);
    void flush();
    void on_written(const boost::system::error_code& ec, std::size_t n);
    void release_idle_buffers();
    boost::asio::io_context& ioc();  // the worker's
    Broker& broker() const;          // the worker's

    // Closing. `reason` is sent as DISCONNECT in 5.0 when `notify` is set.
    void close_with(mqtt::ReasonCode reason, bool notify, std::string_view why);
    void close_now(bool graceful = false);
    void on_closed();

    // Packet handlers (connection_handlers.cpp).
    void on_connect(mqtt::Connect&& c);
    void on_publish(mqtt::Publish&& p);
    // Answers a PUBLISH that is not routed (QoS 1/2), with `rc`.
    void refuse_publish(const mqtt::Publish& p, mqtt::ReasonCode rc);
    void on_pub_response(const mqtt::PubResponse& r);
    void flush_acks();  // hands the acknowledgements read to the broker
    void on_subscribe(mqtt::Subscribe&& s);
    void on_unsubscribe(mqtt::Unsubscribe&& u);
    void on_disconnect(const mqtt::Disconnect& d);
    mqtt::ReasonCode resolve_topic_alias(mqtt::Publish& p);
    // A delivery's PUBLISH with its 5.0 properties; caller holds the session mutex.
    mqtt::Publish full_publish(const Delivery& d, bool dup);
    // Adapts the next read's buffer to the traffic (a read of `n` bytes done
    // into `offered`).
    void size_next_read(std::size_t n, std::size_t offered);
    // The size to give the read buffer for a partial packet: `held` bytes
    // kept, `need` the packet's whole length once its header is read.
    static std::size_t partial_buffer_size(std::size_t held, std::size_t need, std::size_t current);
    // Out of the worker's count of connections not yet past CONNECT.
    void settle_pending();

    Worker& worker_;  // its io_context is this connection's thread, its broker ours
    std::unique_ptr<net::Transport> transport_;

    // Own thread.
    SessionPtr session_;
    IdentityPtr identity_;
    WillPtr will_;
    Millis connected_at_ = 0;
    Millis last_activity_ = 0;
    std::vector<std::uint8_t> rbuf_;
    static constexpr std::size_t kMaxPendingAcks = 256;

    // Topic aliases (5.0), allocated when a client uses them: most never do.
    struct TopicAliases {
        std::vector<std::string> inbound;                         // own thread; index = alias - 1
        std::unordered_map<std::string, std::uint16_t> outbound;  // guarded by session mutex
    };
    std::unique_ptr<TopicAliases> aliases_;
    // Denied publishes are logged once per interval per client; allocated
    // with the first one (most clients never publish where they may not).
    static constexpr Millis kDeniedLogInterval = 10'000;
    std::unique_ptr<LogGate> denied_log_;

    // Output buffers: what is being filled (under out_mutex_) and the batch
    // being written (own thread). Allocated with the first packet and given
    // back after a quiet tick (release_idle_buffers): most devices are idle
    // most of the time, and their connections are what the broker holds per
    // device. The pointer is set under out_mutex_ and reset only by the own
    // thread while no write is outstanding.
    struct Output {
        std::vector<std::uint8_t> out_arena;
        std::vector<Segment> out_segments;
        std::vector<std::uint8_t> w_arena;
        std::vector<Segment> w_segments;
    };
    Output& output_locked() TS_REQUIRES(out_mutex_);  // allocates
    // The own thread's view of the output while a write is outstanding: the
    // pointer is then not reset by anyone, and the batch being written is
    // the own thread's alone.
    Output& output_while_writing() TS_NO_THREAD_SAFETY_ANALYSIS { return *output_; }
    Mutex out_mutex_;
    std::unique_ptr<Output> output_ TS_GUARDED_BY(out_mutex_);
    std::size_t out_bytes_ TS_GUARDED_BY(out_mutex_) = 0;

    // The small fields, together (largest first) so that they share words: an
    // idle connection's size is what the broker holds per device
    // (docs/benchmarks.md, idle memory). Who may touch each is said beside it.
    std::uint32_t rlen_ = 0;         // own thread
    std::uint32_t worker_slot_ = 0;  // own thread: the index in the worker's list
    std::uint32_t read_target_ = 0;  // own thread: the next read's buffer, see kQuietReadBuffer
    std::uint32_t w_publishes_ = 0;  // own thread
    std::uint32_t out_publishes_ TS_GUARDED_BY(out_mutex_) = 0;
    // Limits the client announced in CONNECT (written before the session is
    // attached, read under the session lock afterwards).
    std::uint32_t client_max_packet_ = 0;  // 0: no limit beyond the protocol's
    std::uint16_t client_alias_max_ = 0;
    std::uint16_t keep_alive_s_ = 0;        // own thread
    std::uint16_t inbound_qos2_count_ = 0;  // own thread
    enum class State : std::uint8_t {
        AwaitingConnect,
        Connected,
        Closing,
        Closed
    } state_ = State::AwaitingConnect;                             // own thread
    mqtt::ProtocolVersion version_ = mqtt::ProtocolVersion::v311;  // own thread
    std::uint8_t small_reads_ = 0;                                 // own thread
    bool publish_will_on_close_ = true;                            // own thread
    bool closed_ = false;                                          // own thread
    bool reading_ = false;                                         // own thread
    bool reading_shared_ = false;  // own thread: the read is into shared_read_buffer()
    bool paused_ = false;          // own thread; backpressure: reads stopped until a session drains
    bool writing_ = false;         // own thread
    bool wrote_since_tick_ = false;   // own thread, see release_idle_buffers
    bool buffers_held_ = false;       // own thread: the output vectors may hold capacity
    bool close_after_write_ = false;  // own thread
    bool pending_counted_ = false;    // own thread: counted in the worker's pending connects
    bool flush_scheduled_ TS_GUARDED_BY(out_mutex_) = false;
    bool out_closed_ TS_GUARDED_BY(out_mutex_) = false;
};

}  // namespace ts::broker
