#include "broker/connection.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstring>

#include "broker/address_group.hpp"
#include "broker/broker.hpp"
#include "broker/worker.hpp"
#include "core/log.hpp"
#include "core/log_limiter.hpp"
#include "net/tls_sniff.hpp"

namespace ts::broker {

namespace {
// Reads are sized by demand: a CONNECT is read into kInitialReadBuffer, then
// the buffer starts at kQuietReadBuffer (an idle device sends a 2-byte
// PINGREQ a minute: 10,000s of them should not hold 512 bytes each), doubles
// after every read that fills it, up to kBusyReadBuffer (a publisher's burst in
// one recv), and halves after kSmallReadsToShrink reads in a row that used at
// most a quarter of it. It is only reallocated while it holds no partial
// packet, and never while a read is outstanding. On TCP a connection with no
// partial packet reads into its thread's buffer instead (shared_read_buffer)
// and this one only holds what a read left unfinished.
constexpr std::size_t kInitialReadBuffer = 512;
constexpr std::size_t kQuietReadBuffer = 64;
constexpr std::size_t kBusyReadBuffer = 64 * 1024;
constexpr std::uint8_t kSmallReadsToShrink = 8;
constexpr std::size_t kShrinkAbove = 64 * 1024;
// Payloads up to this size are copied next to their header; larger ones are
// written straight from the shared buffer (one copy fewer per subscriber).
constexpr std::size_t kInlinePayload = 512;

bool may_pass_while_paused(mqtt::PacketType t) {
    using T = mqtt::PacketType;
    return t == T::Puback || t == T::Pubrec || t == T::Pubrel || t == T::Pubcomp || t == T::Pingreq;
}

const std::shared_ptr<spdlog::logger>& logger() {
    static auto l = log::get("broker");
    return l;
}
}  // namespace

Connection::Connection(Worker& worker, std::unique_ptr<net::Transport> transport)
    : worker_(worker), transport_(std::move(transport)) {}

Connection::~Connection() = default;

const std::string& Connection::client_id() const {
    static const std::string none;
    return session_ ? session_->client_id : none;
}

Broker& Connection::broker() const {
    return worker_.broker();
}

boost::asio::io_context& Connection::ioc() {
    return worker_.ioc();
}

void Connection::start() {
    worker_.assert_own_thread();
    connected_at_ = last_activity_ = broker().clock().now_ms();
    if (!worker_.admit_pending(address_group(transport_->remote_address()))) {
        close_now();
        return;
    }
    pending_counted_ = true;
    read_target_ = kInitialReadBuffer;
    read_more();
}

void Connection::settle_pending() {
    if (!pending_counted_) return;
    pending_counted_ = false;
    worker_.settle_pending(address_group(transport_->remote_address()));
}

// A partial packet's buffer grows with what arrives, never to the length its
// header declares: a client that claims a megabyte and sends ten bytes must
// not make the broker reserve a megabyte. It doubles (so a large packet
// costs a logarithmic number of copies) up to the declared length.
std::size_t Connection::partial_buffer_size(std::size_t held, std::size_t need,
                                            std::size_t current) {
    std::size_t size = std::max({current, held, kInitialReadBuffer});
    if (held >= size) size = held * 2;
    if (need > 0) size = std::min(size, std::max(need, held));
    return size;
}

// The thread's read buffer, for transports that fill it only right before
// the read's handler runs (TCP): every connection of the thread reads into
// it while it holds no partial packet, so an idle connection holds no read
// buffer, and a burst after a quiet period arrives in one recv.
std::vector<std::uint8_t>& Connection::shared_read_buffer() {
    thread_local std::vector<std::uint8_t> buf(kBusyReadBuffer);
    return buf;
}

void Connection::read_more() {
    if (closed_ || reading_ || state_ == State::Closing) return;
    reading_ = true;
    // The handlers name this connection without owning it: destroying the
    // transport drops them uncalled, and a capture this small is kept inside
    // the std::function (a shared_ptr capture cost an allocation per read and
    // 16 bytes per idle connection).
    if (rlen_ == 0 && transport_->reads_at_completion()) {
        reading_shared_ = true;
        transport_->async_read_some(
            boost::asio::buffer(shared_read_buffer()),
            [this](const boost::system::error_code& ec, std::size_t n) {
                auto self = shared_from_this();  // the read's work may close and release it
                reading_ = false;
                reading_shared_ = false;
                if (ec) return on_read_error(ec);
                on_shared_read(n);
            });
        return;
    }
    reading_shared_ = false;
    if (rlen_ == 0 && rbuf_.size() != read_target_)
        std::vector<std::uint8_t>(read_target_).swap(rbuf_);  // exact capacity
    else if (rlen_ == rbuf_.size())
        rbuf_.resize(rbuf_.size() * 2);
    transport_->async_read_some(boost::asio::buffer(rbuf_.data() + rlen_, rbuf_.size() - rlen_),
                                [this](const boost::system::error_code& ec, std::size_t n) {
                                    auto self = shared_from_this();  // as above
                                    reading_ = false;
                                    if (ec) return on_read_error(ec);
                                    on_read(n);
                                });
}

void Connection::on_read_error(const boost::system::error_code& ec) {
    if (closed_) return;
    logger()->debug("client={} connection lost: {}", client_id(), ec.message());
    close_now();
}

// The first bytes a client sends, before anything was kept of them.
bool Connection::first_bytes_acceptable(const std::uint8_t* data, std::size_t n) {
    if (state_ != State::AwaitingConnect || rlen_ != 0 || n == 0) return true;
    if (net::looks_like_tls_client_hello({data, n})) {
        logger()->info("remote={} sent a TLS handshake to a plain MQTT listener; closing",
                       transport_->remote_address());
        close_now();
        return false;
    }
    if (data[0] != 0x10) {
        // The first packet must be a CONNECT (spec 3.1): no need to wait for
        // the rest of whatever this is.
        logger()->info("remote={} first packet is not CONNECT (byte 0x{:02x}); closing",
                       transport_->remote_address(), data[0]);
        close_now();
        return false;
    }
    return true;
}

void Connection::on_read(std::size_t n) {
    worker_.assert_own_thread();
    if (closed_) return;
    if (!first_bytes_acceptable(rbuf_.data(), n)) return;
    const std::size_t offered = rbuf_.size() - rlen_;  // what the read was given
    rlen_ += n;
    WorkerStats::add(worker_.stats().bytes_received, n);
    last_activity_ = broker().clock().now_ms();
    size_next_read(n, offered);
    bool connecting = state_ == State::AwaitingConnect;
    if (!process_packets()) return;
    if (connecting && state_ == State::Connected) read_target_ = kQuietReadBuffer;
    if (!paused_) read_more();
}

// Packets read into the thread's buffer are handled from there; what is left
// (a partial packet, or packets held while paused) is kept in rbuf_, which
// the next reads then fill.
void Connection::on_shared_read(std::size_t n) {
    worker_.assert_own_thread();
    if (closed_) return;
    const std::uint8_t* data = shared_read_buffer().data();
    if (!first_bytes_acceptable(data, n)) return;
    WorkerStats::add(worker_.stats().bytes_received, n);
    last_activity_ = broker().clock().now_ms();
    size_next_read(n, kBusyReadBuffer);
    bool connecting = state_ == State::AwaitingConnect;
    std::size_t need = 0;
    std::size_t used = handle_packets(data, n, need);
    if (used < n && !closed_) {
        // Sized like what was just read: a stream of packets cut at the
        // end of one read goes on in the next, which must not be a sliver
        // (each read's packets are flushed to their subscribers together).
        const std::size_t left = n - used;
        std::size_t size =
            std::max({left, std::min(n, kBusyReadBuffer), std::size_t{read_target_}});
        size = partial_buffer_size(left, need, size);
        if (rbuf_.size() < size) std::vector<std::uint8_t>(size).swap(rbuf_);
        std::memcpy(rbuf_.data(), data + used, left);
        rlen_ = static_cast<std::uint32_t>(left);
    }
    if (closed_ || state_ == State::Closing) return;
    if (connecting && state_ == State::Connected) read_target_ = kQuietReadBuffer;
    if (!paused_) read_more();
}

void Connection::size_next_read(std::size_t n, std::size_t offered) {
    if (n == offered) {
        read_target_ =
            static_cast<std::uint32_t>(std::min<std::size_t>(read_target_ * 2, kBusyReadBuffer));
        small_reads_ = 0;
    } else if (n * 4 <= read_target_ && read_target_ > kQuietReadBuffer) {
        if (++small_reads_ >= kSmallReadsToShrink) {
            read_target_ = static_cast<std::uint32_t>(
                std::max<std::size_t>(read_target_ / 2, kQuietReadBuffer));
            small_reads_ = 0;
        }
    } else {
        small_reads_ = 0;
    }
}

bool Connection::pause_reading() {
    if (paused_ || closed_ || state_ == State::Closing) return false;
    paused_ = true;
    return true;
}

void Connection::resume_reading(ConnectionPtr self) {
    auto& io = self->ioc();
    boost::asio::post(io, [self = std::move(self)] {
        if (!self->paused_ || self->closed_) return;
        self->paused_ = false;
        // What was read before the pause first; it may pause again.
        if (!self->process_packets()) return;
        if (!self->paused_) self->read_more();
    });
}

bool Connection::process_packets() {
    std::size_t need = 0;
    std::size_t pos = handle_packets(rbuf_.data(), rlen_, need);
    if (pos > 0) {
        std::memmove(rbuf_.data(), rbuf_.data() + pos, rlen_ - pos);
        rlen_ -= static_cast<std::uint32_t>(pos);
    }
    // Room for more of a partial packet (read_more doubles a full buffer too).
    if (need > rbuf_.size()) rbuf_.resize(partial_buffer_size(rlen_, need, rbuf_.size()));
    if (rbuf_.size() > kShrinkAbove && rlen_ < kInitialReadBuffer) {
        rbuf_.resize(kInitialReadBuffer);
        rbuf_.shrink_to_fit();
    }
    return !closed_ && state_ != State::Closing;
}

std::size_t Connection::handle_packets(const std::uint8_t* data, std::size_t len,
                                       std::size_t& need) {
    worker_.assert_own_thread();
    // Whatever way this returns, the acknowledgements read are applied.
    struct AckFlush {
        Connection& c;
        ~AckFlush() { c.flush_acks(); }
    } ack_flush{*this};
    Broker::RunScope run_scope(broker());  // delivers the last run on every way out
    std::size_t pos = 0;
    const auto& cfg = broker().config();
    // Before sign-in only a CONNECT of modest size is read (the fixed header
    // of a larger one is enough to refuse it).
    const std::uint32_t limit = state_ == State::AwaitingConnect
                                    ? std::min(cfg.max_packet_size, cfg.max_connect_packet_size)
                                    : cfg.max_packet_size;
    while (!closed_ && state_ != State::Closing) {
        auto frame = mqtt::read_fixed_header({data + pos, len - pos}, limit);
        if (frame.status == mqtt::FrameStatus::Error) {
            flush_acks();  // what came before the bad packet counts, before the DISCONNECT
            close_with(frame.error.reason, true, frame.error.message);
            return pos;
        }
        // Paused (backpressure): nothing more is handled until resumed, but
        // acknowledgements and pings read before the next other packet (they
        // drain this client's own queue, and nothing after them depends on
        // them being held).
        if (paused_ && (frame.status != mqtt::FrameStatus::Complete ||
                        !may_pass_while_paused(frame.header.type())))
            break;
        if (frame.status == mqtt::FrameStatus::NeedMore) {
            if (frame.header.header_length > 0) need = frame.header.total_length();
            break;
        }
        std::size_t packet_len = frame.header.total_length();
        auto decoded = mqtt::decode({data + pos, packet_len}, version_);
        pos += packet_len;
        if (!decoded) {
            if (state_ == State::AwaitingConnect &&
                decoded.error().reason == mqtt::ReasonCode::UnsupportedProtocolVersion) {
                // Answer in the 3.1.1 format every client version can read
                // (return code 1, "unacceptable protocol version").
                append_packet(
                    mqtt::Connack{false, mqtt::ReasonCode::UnsupportedProtocolVersion, {}});
                close_with(decoded.error().reason, false, decoded.error().message);
                return pos;
            }
            flush_acks();
            close_with(decoded.error().reason, true, decoded.error().message);
            return pos;
        }
        if (!std::holds_alternative<mqtt::PubResponse>(*decoded)) flush_acks();
        if (!std::holds_alternative<mqtt::Publish>(*decoded)) broker().end_run();
        handle(std::move(*decoded));
    }
    return pos;
}

// ---- output ----

void Connection::append_packet(const mqtt::Packet& p) {
    MutexLock lock(out_mutex_);
    if (out_closed_) return;
    auto& o = output_locked();
    std::size_t before = o.out_arena.size();
    mqtt::encode(p, version_, o.out_arena);
    std::size_t len = o.out_arena.size() - before;
    o.out_segments.push_back(
        {static_cast<std::uint32_t>(before), static_cast<std::uint32_t>(len), {}});
    out_bytes_ += len;
    schedule_flush_locked();
}

// The PUBLISH for a 5.0 client that needs properties of its own (the
// message's, subscription identifiers, the expiry left, a topic alias).
mqtt::Publish Connection::full_publish(const Delivery& d, bool dup) {
    const Message& m = *d.msg;
    mqtt::Publish p;
    p.dup = dup;
    p.qos = d.qos;
    p.retain = d.retain;
    p.packet_id = d.packet_id;
    p.payload = m.payload;  // the header's remaining length counts it
    if (m.properties) p.properties = *m.properties;
    p.properties.subscription_identifiers = d.subscription_ids;
    if (m.expiry_at != 0) {
        Millis left = m.expiry_at - broker().clock().now_ms();
        p.properties.message_expiry_interval =
            static_cast<std::uint32_t>(std::max<Millis>(1, (left + 999) / 1000));
    }
    if (client_alias_max_ > 0) {
        auto& outbound_aliases_ = aliases_->outbound;
        auto it = outbound_aliases_.find(m.topic);
        if (it != outbound_aliases_.end()) {
            p.properties.topic_alias = it->second;
        } else if (outbound_aliases_.size() < client_alias_max_) {
            auto alias = static_cast<std::uint16_t>(outbound_aliases_.size() + 1);
            outbound_aliases_.emplace(m.topic, alias);
            p.properties.topic_alias = alias;
            p.topic = m.topic;
        } else {
            p.topic = m.topic;
        }
        if (p.topic.empty() && !p.properties.topic_alias) p.topic = m.topic;
    } else {
        p.topic = m.topic;
    }
    return p;
}

bool Connection::send_publish(const Delivery& d, bool dup) {
    const Message& m = *d.msg;
    // Most deliveries carry no properties: their header is written straight
    // from the message (no Publish built, no topic copied per subscriber).
    const bool plain =
        version_ != mqtt::ProtocolVersion::v5 ||
        (!m.properties && d.subscription_ids.empty() && m.expiry_at == 0 && client_alias_max_ == 0);
    std::optional<mqtt::Publish> full;
    if (!plain) full = full_publish(d, dup);

    MutexLock lock(out_mutex_);
    if (out_closed_) return false;
    if (d.qos == mqtt::QoS::AtMostOnce && out_bytes_ > broker().config().max_pending_output) {
        broker().count_dropped();
        return false;
    }
    auto& o = output_locked();
    std::size_t before = o.out_arena.size();
    if (plain)
        mqtt::encode_plain_publish_header(
            {m.topic, d.qos, d.retain, dup, d.packet_id, m.payload.size()}, version_, o.out_arena);
    else
        mqtt::encode_publish_header(*full, version_, o.out_arena);
    std::size_t header_len = o.out_arena.size() - before;
    if (client_max_packet_ != 0 && header_len + m.payload.size() > client_max_packet_) {
        // The spec says to discard a message the client said it cannot take.
        o.out_arena.resize(before);
        if (full && full->properties.topic_alias && !full->topic.empty())
            aliases_->outbound.erase(m.topic);
        broker().count_dropped();
        return false;
    }
    if (m.payload.size() <= kInlinePayload) {
        o.out_arena.insert(o.out_arena.end(), m.payload.data(),
                           m.payload.data() + m.payload.size());
        o.out_segments.push_back({static_cast<std::uint32_t>(before),
                                  static_cast<std::uint32_t>(header_len + m.payload.size()),
                                  {}});
    } else {
        o.out_segments.push_back(
            {static_cast<std::uint32_t>(before), static_cast<std::uint32_t>(header_len), {}});
        o.out_segments.push_back({0, 0, m.payload});
    }
    out_bytes_ += header_len + m.payload.size();
    ++out_publishes_;
    schedule_flush_locked();
    return true;
}

void Connection::send_pubrel(std::uint16_t packet_id) {
    append_packet(
        mqtt::PubResponse{mqtt::PacketType::Pubrel, packet_id, mqtt::ReasonCode::Success, {}});
}

void Connection::schedule_flush_locked() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    boost::asio::post(ioc(), [self = shared_from_this()] { self->flush(); });
}

void Connection::flush() {
    worker_.assert_own_thread();
    if (closed_) return;
    Output* batch = nullptr;
    {
        MutexLock lock(out_mutex_);
        flush_scheduled_ = false;
        if (writing_ || !output_ || output_->out_segments.empty()) {
            if (!writing_ && close_after_write_) {
                // Nothing left to send: finish the close that was waiting for it.
            } else {
                return;
            }
        } else {
            batch = output_.get();
            std::swap(batch->w_arena, batch->out_arena);
            std::swap(batch->w_segments, batch->out_segments);
            wrote_since_tick_ = true;
            buffers_held_ = true;
            w_publishes_ = out_publishes_;
            out_publishes_ = 0;
            out_bytes_ = 0;
        }
    }
    if (batch == nullptr) {
        // Everything before the close is written: let the peer read it (TLS
        // close_notify, WebSocket close frame, TCP FIN) rather than reset.
        close_now(true);
        return;
    }
    // The transport copies the buffer list: one list per thread will do.
    thread_local std::vector<boost::asio::const_buffer> iov;
    iov.clear();
    for (const auto& s : batch->w_segments) {
        if (!s.payload.empty())
            iov.emplace_back(s.payload.data(), s.payload.size());
        else
            iov.emplace_back(batch->w_arena.data() + s.offset, s.length);
    }
    writing_ = true;
    transport_->async_write(iov, [this](const boost::system::error_code& ec, std::size_t n) {
        auto self = shared_from_this();  // as for reads
        on_written(ec, n);
    });
}

void Connection::on_written(const boost::system::error_code& ec, std::size_t n) {
    worker_.assert_own_thread();
    writing_ = false;
    if (ec) {
        if (!closed_) close_now();
        return;
    }
    WorkerStats::add(worker_.stats().bytes_sent, n);
    WorkerStats::add(worker_.stats().messages_sent, w_publishes_);
    // Not released while writing: the own thread alone resets the pointer.
    auto& o = output_while_writing();
    o.w_segments.clear();
    o.w_arena.clear();
    if (o.w_arena.capacity() > kShrinkAbove) o.w_arena.shrink_to_fit();
    bool more;
    {
        MutexLock lock(out_mutex_);
        more = !o.out_segments.empty();
    }
    if (more || close_after_write_) flush();
}

Connection::Output& Connection::output_locked() {
    if (!output_) output_ = std::make_unique<Output>();
    return *output_;
}

// A connection that wrote nothing for a whole tick gives back its output
// buffers (the CONNACK's or the last burst's): most devices are idle most of
// the time, and a busy connection keeps its buffers rather than allocating
// for every write.
void Connection::release_idle_buffers() {
    // The read buffer too, unless a read is under way into it.
    if (rlen_ == 0 && (!reading_ || reading_shared_) && rbuf_.capacity() != 0)
        std::vector<std::uint8_t>().swap(rbuf_);
    if (wrote_since_tick_) {
        wrote_since_tick_ = false;
        return;
    }
    if (!buffers_held_ || writing_) return;
    MutexLock lock(out_mutex_);
    if (output_ && !output_->out_segments.empty()) return;
    output_.reset();
    buffers_held_ = false;
}

// ---- closing ----

void Connection::close_with(mqtt::ReasonCode reason, bool notify, std::string_view why) {
    if (closed_ || state_ == State::Closing) return;
    // Before sign-in the refusal was logged where it was decided (the
    // authenticator summarises repeats): a line per refused CONNECT here
    // would be the flood it avoids.
    logger()->log(state_ == State::AwaitingConnect ? spdlog::level::debug : spdlog::level::info,
                  "client={} remote={} closing: {} ({})", clip_for_log(client_id()),
                  transport_->remote_address(), clip_for_log(why, 200), mqtt::to_string(reason));
    if (notify && version_ == mqtt::ProtocolVersion::v5 && state_ == State::Connected) {
        append_packet(mqtt::Disconnect{reason, {}});
    } else if (notify && version_ == mqtt::ProtocolVersion::v5 &&
               state_ == State::AwaitingConnect && reason != mqtt::ReasonCode::Success) {
        // Before CONNACK the reason goes in a CONNACK (spec 3.2.2.2).
        append_packet(mqtt::Connack{false, reason, {}});
    }
    state_ = State::Closing;
    close_after_write_ = true;
    boost::asio::post(ioc(), [self = shared_from_this()] { self->flush(); });
}

void Connection::close_now(bool graceful) {
    worker_.assert_own_thread();
    if (closed_) return;
    closed_ = true;
    state_ = State::Closed;
    {
        MutexLock lock(out_mutex_);
        out_closed_ = true;
        if (output_) {
            output_->out_segments.clear();
            output_->out_arena.clear();
        }
    }
    if (graceful)
        transport_->shutdown();
    else
        transport_->close();
    on_closed();
}

void Connection::kick(ConnectionPtr self, mqtt::ReasonCode reason, bool resumed) {
    auto& io = self->ioc();
    boost::asio::post(io, [self = std::move(self), reason, resumed] {
        auto& will = self->will_;
        if (resumed && will && will->properties.will_delay_interval.value_or(0) > 0) will.reset();
        // Logged while the session still names the client; close_with only
        // posts the rest of the close, so the session is forgotten before it
        // ends (it already belongs to the new connection).
        self->close_with(reason, true, "session taken over");
        self->session_.reset();
    });
}

void Connection::shutdown_close() {
    boost::asio::post(ioc(), [self = shared_from_this()] {
        self->publish_will_on_close_ = false;
        self->close_with(mqtt::ReasonCode::ServerShuttingDown, true, "server shutting down");
    });
}

void Connection::check_timeouts(Millis now) {
    worker_.assert_own_thread();
    if (closed_) return;
    release_idle_buffers();
    if (state_ == State::AwaitingConnect) {
        if (now - connected_at_ > broker().config().connect_timeout_ms) {
            logger()->info("remote={} sent no CONNECT in time; closing",
                           transport_->remote_address());
            close_now();
        }
        return;
    }
    if (state_ == State::Closing) {
        // A client that stopped reading cannot hold a closing connection open.
        if (now - last_activity_ > 5000) close_now();
        return;
    }
    // A client we stopped reading cannot show it is alive; its keepalive
    // starts again when it is resumed.
    if (paused_) last_activity_ = now;
    if (keep_alive_s_ > 0 && now - last_activity_ > Millis{keep_alive_s_} * 1500) {
        close_with(mqtt::ReasonCode::KeepAliveTimeout, true, "keepalive timeout");
        last_activity_ = now;  // start the closing grace period
    }
}

void Connection::on_closed() {
    auto self = shared_from_this();  // the worker's may be the last reference
    settle_pending();
    worker_.remove(this);
    if (session_) {
        WillPtr will;
        if (publish_will_on_close_) will = std::move(will_);
        broker().disconnected(self, session_, std::move(will));
        session_.reset();
    } else if (publish_will_on_close_ && will_ && state_ != State::AwaitingConnect) {
        broker().disconnected(self, nullptr, std::move(will_));
    }
    will_.reset();
}

}  // namespace ts::broker
