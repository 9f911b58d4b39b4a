#include "support/socket_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace ts::broker::testing {

SocketClient::SocketClient(std::uint16_t port, mqtt::ProtocolVersion v) : version_(v) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket");
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        throw std::runtime_error("connect");
}

SocketClient::~SocketClient() {
    close();
}

void SocketClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void SocketClient::send(const mqtt::Packet& p) {
    std::vector<std::uint8_t> out;
    mqtt::encode(p, version_, out);
    std::size_t sent = 0;
    while (sent < out.size()) {
        auto n = ::send(fd_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;  // closed by the broker: the reads will say so
        sent += static_cast<std::size_t>(n);
    }
}

std::optional<mqtt::Packet> SocketClient::read(int timeout_ms) {
    while (true) {
        auto frame = mqtt::read_fixed_header(buf_, 256 * 1024 * 1024);
        if (frame.status == mqtt::FrameStatus::Complete) {
            const std::size_t len = frame.header.total_length();
            auto p = mqtt::decode({buf_.data(), len}, version_);
            buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(len));
            if (!p) return std::nullopt;
            return std::move(*p);
        }
        if (frame.status == mqtt::FrameStatus::Error || fd_ < 0) return std::nullopt;
        pollfd pfd{fd_, POLLIN, 0};
        if (::poll(&pfd, 1, timeout_ms) <= 0) return std::nullopt;
        std::uint8_t chunk[16384];
        auto n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return std::nullopt;
        buf_.insert(buf_.end(), chunk, chunk + n);
    }
}

std::uint8_t SocketClient::connect(const mqtt::Connect& c, bool* session_present) {
    send(c);
    auto p = read();
    if (!p || !std::holds_alternative<mqtt::Connack>(*p)) return 0xFF;
    const auto& ack = std::get<mqtt::Connack>(*p);
    if (session_present) *session_present = ack.session_present;
    return static_cast<std::uint8_t>(ack.reason);
}

}  // namespace ts::broker::testing
