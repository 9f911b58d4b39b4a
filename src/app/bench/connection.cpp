#include "app/bench/connection.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/write.hpp>
#include <cstring>
#include <variant>

#include "mqtt/codec.hpp"

namespace ts::app::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// Nothing the broker sends a bench client is larger than a payload plus a
// topic; the bound only stops a corrupt length from allocating gigabytes.
constexpr std::uint32_t kMaxInboundPacket = 16u * 1024 * 1024;

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

bool parse_publish(std::span<const std::uint8_t> packet, const mqtt::FixedHeader& h,
                   PublishView& v) {
    const auto body = packet.subspan(h.header_length);
    if (body.size() < 2) return false;
    const std::size_t tlen = (std::size_t{body[0]} << 8) | body[1];
    std::size_t at = 2 + tlen;
    if (body.size() < at) return false;
    v.topic = std::string_view(reinterpret_cast<const char*>(body.data() + 2), tlen);
    v.qos = static_cast<std::uint8_t>((h.flags() >> 1) & 3);
    if (v.qos > 0) {
        if (body.size() < at + 2) return false;
        v.packet_id = static_cast<std::uint16_t>((body[at] << 8) | body[at + 1]);
        at += 2;
    }
    v.payload = body.subspan(at);
    return true;
}

}  // namespace

Connection::Connection(asio::io_context& ioc, Handler& handler, const tcp::endpoint& broker,
                       const asio::ip::address& source, mqtt::Connect connect,
                       std::size_t read_buffer_bytes)
    : socket_(ioc),
      handler_(handler),
      broker_(broker),
      source_(source),
      connect_(std::move(connect)),
      inbuf_(read_buffer_bytes) {}

void Connection::start() {
    error_code ec;
    socket_.open(broker_.protocol(), ec);
    if (ec) return fail("socket: " + ec.message());
    if (!source_.is_unspecified()) {
        // Without this, bind() picks the local port at once and needs it free
        // for every destination; deferred to connect(), the kernel can reuse
        // ports across 4-tuples, which is what more source addresses are for.
        int one = 1;
        ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
                     sizeof one);
        socket_.bind(tcp::endpoint(source_, 0), ec);
        if (ec) return fail("bind " + source_.to_string() + ": " + ec.message());
    }
    socket_.async_connect(broker_, [this](const error_code& e) {
        if (closed_) return;
        if (e) return fail("connect: " + e.message());
        on_tcp_connected();
    });
}

void Connection::on_tcp_connected() {
    error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    mqtt::encode(connect_, mqtt::ProtocolVersion::v311, pending_);
    flush();
    read();
}

void Connection::subscribe(const std::string& filter, mqtt::QoS qos) {
    mqtt::Subscribe s;
    s.packet_id = 1;
    mqtt::TopicSubscription t;
    t.filter = filter;
    t.options.max_qos = qos;
    s.topics.push_back(std::move(t));
    mqtt::encode(s, mqtt::ProtocolVersion::v311, pending_);
    flush();
}

void Connection::send_ping() {
    mqtt::encode(mqtt::Pingreq{}, mqtt::ProtocolVersion::v311, pending_);
    flush();
}

void Connection::flush() {
    if (write_active_ || pending_.empty() || closed_) return;
    std::swap(pending_, writing_);
    pending_.clear();
    write_active_ = true;
    asio::async_write(socket_, asio::buffer(writing_), [this](const error_code& e, std::size_t) {
        write_active_ = false;
        if (closed_) return;
        if (e) return fail("write: " + e.message());
        writing_.clear();
        flush();
        handler_.on_drained(*this);
    });
}

void Connection::read() {
    if (inlen_ == inbuf_.size()) inbuf_.resize(inbuf_.size() * 2);
    socket_.async_read_some(asio::buffer(inbuf_.data() + inlen_, inbuf_.size() - inlen_),
                            [this](const error_code& e, std::size_t n) {
                                if (closed_) return;
                                if (e)
                                    return fail(e == asio::error::eof ? "closed by the broker"
                                                                      : "read: " + e.message());
                                inlen_ += n;
                                consume(Clock::now());
                                if (!closed_) read();
                            });
}

void Connection::consume(Clock::time_point now) {
    std::size_t at = 0;
    while (at < inlen_ && !closed_) {
        const std::span<const std::uint8_t> rest(inbuf_.data() + at, inlen_ - at);
        const auto frame = mqtt::read_fixed_header(rest, kMaxInboundPacket);
        if (frame.status == mqtt::FrameStatus::Error)
            return fail("bad packet from the broker: " + frame.error.message);
        if (frame.status == mqtt::FrameStatus::NeedMore) break;
        const auto len = frame.header.total_length();
        if (!dispatch(rest.first(len), frame.header, now)) return;
        at += len;
    }
    if (closed_) return;
    // Keep the partial packet at the front of the buffer.
    if (at > 0) {
        std::memmove(inbuf_.data(), inbuf_.data() + at, inlen_ - at);
        inlen_ -= at;
    }
}

bool Connection::dispatch(std::span<const std::uint8_t> packet, const mqtt::FixedHeader& header,
                          Clock::time_point now) {
    switch (header.type()) {
        case mqtt::PacketType::Publish: {
            PublishView v;
            if (!parse_publish(packet, header, v)) {
                fail("malformed PUBLISH from the broker");
                return false;
            }
            handler_.on_publish(*this, v, now);
            return !closed_;
        }
        case mqtt::PacketType::Puback:
            // Fixed shape in 3.1.1: 0x40 0x02 id id.
            if (packet.size() != 4) {
                fail("malformed PUBACK from the broker");
                return false;
            }
            handler_.on_puback(*this, static_cast<std::uint16_t>((packet[2] << 8) | packet[3]));
            return !closed_;
        case mqtt::PacketType::Pingresp:
            return true;
        default:
            break;
    }
    // Rare packets go through the codec proper.
    auto decoded = mqtt::decode(packet, mqtt::ProtocolVersion::v311);
    if (!decoded) {
        fail("bad packet from the broker: " + decoded.error().message);
        return false;
    }
    if (auto* ack = std::get_if<mqtt::Connack>(&*decoded)) {
        if (ack->reason != mqtt::ReasonCode::Success) {
            fail("connection refused: " + std::string(mqtt::to_string(ack->reason)));
            return false;
        }
        connected_ = true;
        handler_.on_connack(*this);
    } else if (auto* sub = std::get_if<mqtt::Suback>(&*decoded)) {
        const bool granted = !sub->reasons.empty() && !mqtt::is_error(sub->reasons.front());
        handler_.on_suback(*this, granted);
    } else if (std::holds_alternative<mqtt::Disconnect>(*decoded)) {
        fail("disconnected by the broker");
        return false;
    }
    return !closed_;
}

void Connection::fail(const std::string& why) {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    socket_.close(ignored);
    handler_.on_failed(*this, why);
}

void Connection::close() {
    if (closed_) return;
    closed_ = true;
    error_code ignored;
    socket_.close(ignored);
}

}  // namespace ts::app::bench
