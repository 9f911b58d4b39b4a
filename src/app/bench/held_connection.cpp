#include "app/bench/held_connection.hpp"

#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <span>
#include <system_error>
#include <variant>

#include "mqtt/codec.hpp"

namespace ts::app::bench {

namespace {

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

std::string error_text(int e) {
    return std::system_category().message(e);
}

}  // namespace

HeldConnection::HeldConnection(boost::asio::io_context& ioc, Handler& handler,
                               const boost::asio::ip::tcp::endpoint& broker,
                               const boost::asio::ip::address& source,
                               std::vector<std::uint8_t> connect_packet)
    : reactor_(net::detail::Reactor::of(ioc)),
      handler_(handler),
      broker_(broker),
      source_(source),
      connect_(std::move(connect_packet)) {}

HeldConnection::~HeldConnection() {
    release();
}

void HeldConnection::start() {
    fd_ = ::socket(broker_.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   IPPROTO_TCP);
    if (fd_ < 0) return fail("socket: " + error_text(errno));
    if (!source_.is_unspecified()) {
        // The local port is chosen at connect(), per 4-tuple, so that each
        // source address brings its own range of ports.
        int one = 1;
        ::setsockopt(fd_, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        const boost::asio::ip::tcp::endpoint local(source_, 0);
        if (::bind(fd_, local.data(), static_cast<socklen_t>(local.size())) != 0)
            return fail("bind " + source_.to_string() + ": " + error_text(errno));
    }
    if (::connect(fd_, broker_.data(), static_cast<socklen_t>(broker_.size())) != 0 &&
        errno != EINPROGRESS)
        return fail("connect: " + error_text(errno));
    // Over loopback the handshake is complete when connect() returns, so the
    // CONNECT goes at once; otherwise it waits for the socket to be writable.
    send_connect();
    if (closed_) return;
    if (const int e = reactor_.add(fd_, this); e != 0) return fail("epoll: " + error_text(e));
    watched_ = true;
}

bool HeldConnection::send_connect() {
    while (connect_sent_ < connect_.size()) {
        const auto n = ::send(fd_, connect_.data() + connect_sent_, connect_.size() - connect_sent_,
                              MSG_NOSIGNAL);
        if (n > 0) {
            connect_sent_ += static_cast<std::size_t>(n);
            continue;
        }
        const int e = errno;
        if (n < 0 && e == EINTR) continue;
        // Still connecting.
        if (n < 0 && (e == EAGAIN || e == EWOULDBLOCK || e == ENOTCONN)) return false;
        fail("connect: " + error_text(n < 0 ? e : EPIPE));
        return false;
    }
    // Held for the whole run: give the packet's memory back.
    std::vector<std::uint8_t>().swap(connect_);
    return true;
}

void HeldConnection::on_events(std::uint32_t events) {
    if (closed_) return;
    if (!connect_.empty() && !send_connect()) {
        if (closed_) return;
        if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
            int e = 0;
            socklen_t len = sizeof e;
            ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &e, &len);
            fail("connect: " + error_text(e != 0 ? e : ECONNRESET));
        }
        return;
    }
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0)
        read_ready((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0);
}

void HeldConnection::read_ready(bool peer_done) {
    for (;;) {
        const std::size_t room = sizeof inbuf_ - inlen_;
        const auto n = ::recv(fd_, inbuf_ + inlen_, room, 0);
        if (n == 0) return fail("closed by the broker");
        if (n < 0) {
            const int e = errno;
            if (e == EINTR) continue;
            if (e == EAGAIN || e == EWOULDBLOCK) return;
            return fail("read: " + error_text(e));
        }
        inlen_ += static_cast<std::size_t>(n);
        consume();
        if (closed_) return;
        // A short read emptied the socket, unless the end of the stream
        // came with this edge and is still to be read.
        if (static_cast<std::size_t>(n) < room && !peer_done) return;
    }
}

void HeldConnection::consume() {
    std::size_t at = 0;
    while (at < inlen_) {
        const std::span<const std::uint8_t> rest(inbuf_ + at, inlen_ - at);
        const auto frame = mqtt::read_fixed_header(rest, sizeof inbuf_);
        if (frame.status == mqtt::FrameStatus::Error)
            return fail("bad packet from the broker: " + frame.error.message);
        if (frame.status == mqtt::FrameStatus::NeedMore) break;
        const auto len = frame.header.total_length();
        const auto packet = rest.first(len);
        at += len;
        if (frame.header.type() == mqtt::PacketType::Pingresp) continue;
        auto decoded = mqtt::decode(packet, mqtt::ProtocolVersion::v311);
        if (!decoded) return fail("bad packet from the broker: " + decoded.error().message);
        if (const auto* ack = std::get_if<mqtt::Connack>(&*decoded)) {
            if (ack->reason != mqtt::ReasonCode::Success)
                return fail("connection refused: " + std::string(mqtt::to_string(ack->reason)));
            connected_ = true;
            handler_.on_connack(*this);
            if (closed_) return;
        } else if (std::holds_alternative<mqtt::Disconnect>(*decoded)) {
            return fail("disconnected by the broker");
        } else {
            return fail("unexpected packet from the broker");
        }
    }
    std::memmove(inbuf_, inbuf_ + at, inlen_ - at);
    inlen_ -= at;
}

void HeldConnection::send_ping() {
    if (closed_ || !connected_) return;
    static constexpr std::uint8_t kPingreq[] = {0xC0, 0x00};
    const auto n = ::send(fd_, kPingreq, sizeof kPingreq, MSG_NOSIGNAL);
    // A held connection's send buffer is empty: a ping that does not fit
    // now is simply not needed yet.
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        fail("write: " + error_text(errno));
}

void HeldConnection::close() {
    if (closed_) return;
    closed_ = true;
    release();
}

void HeldConnection::fail(const std::string& why) {
    if (closed_) return;
    closed_ = true;
    release();
    handler_.on_failed(*this, why);
}

void HeldConnection::release() {
    if (watched_) reactor_.remove(this);
    watched_ = false;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void HeldConnection::on_reactor_shutdown(std::vector<std::function<void()>>&) {
    // The event loop is going away: nothing to remove ourselves from later.
    watched_ = false;
}

}  // namespace ts::app::bench
