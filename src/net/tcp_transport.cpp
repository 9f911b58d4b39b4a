// Plain TCP on the per-thread Reactor: non-blocking recv / sendmsg on the
// descriptor, readiness remembered per socket.
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>

#include "net/reactor.hpp"
#include "net/transport_factory.hpp"

namespace ts::net::detail {
namespace {

using boost::system::error_code;

error_code os_error(int e) {
    return {e, boost::system::system_category()};
}

class TcpSocket;

// The shutdown deadline's timer, shared with its pending wait so that the
// wait can tell whether the socket still exists.
struct ShutdownDeadline {
    explicit ShutdownDeadline(boost::asio::io_context& io) : timer(io, kShutdownBound) {}
    boost::asio::steady_timer timer;
    TcpSocket* socket = nullptr;
};

// What only some sockets need, allocated when they do: the rest of a write
// that waits for room (the caller's list is only borrowed), and the deadline
// of a shutdown under way.
struct SocketExtra {
    std::vector<boost::asio::const_buffer> rest;
    std::size_t rest_first = 0;  // rest before it is sent
    std::shared_ptr<ShutdownDeadline> deadline;
};

// One connection's socket. Owned by its TcpTransport; when the transport is
// destroyed during a graceful shutdown, the socket owns itself until the
// shutdown is over (the write finished, the peer's FIN read, or the deadline).
class TcpSocket final : public Reactor::Watcher {
public:
    TcpSocket(Reactor& reactor, UniqueFd fd, Peer peer)
        : reactor_(reactor),
          fd_(std::move(fd)),
          port_(peer.port),
          address_(std::move(peer.address)),
          local_address_(std::move(peer.local_address)) {}
    ~TcpSocket() override {
        if (destroyed_ != nullptr) *destroyed_ = true;
        if (extra_ && extra_->deadline) {
            extra_->deadline->socket = nullptr;
            extra_->deadline->timer.cancel();
        }
        if (registered_) reactor_.remove(this);
        close_fd();
    }
    TcpSocket(const TcpSocket&) = delete;
    TcpSocket& operator=(const TcpSocket&) = delete;

    // Returns 0 or errno.
    int open() {
        int e = reactor_.add(fd_.get(), this);
        registered_ = e == 0;
        return e;
    }
    const std::string& address() const { return address_; }
    const std::string& local_address() const { return local_address_; }
    std::uint16_t port() const { return port_; }

    void async_read_some(boost::asio::mutable_buffer buf, Transport::Handler h) {
        reading_ = true;
        rbuf_ = buf;
        rh_ = std::move(h);
        if (!fd_.valid() || readable_ || buf.size() == 0) schedule();
    }

    void async_write(const std::vector<boost::asio::const_buffer>& bufs, Transport::Handler h) {
        writing_ = true;
        wh_ = std::move(h);
        werror_ = 0;
        wdone_ = 0;
        if (!fd_.valid()) {
            werror_ = ECANCELED;  // operation_aborted
            return schedule();
        }
        std::size_t total = 0;
        for (const auto& b : bufs) total += b.size();
        // Sent at once while the socket takes it (as asio does); the handler
        // runs later either way.
        if (writable_) wdone_ = send_from(bufs.data(), bufs.size());
        if (werror_ == 0 && wdone_ < total) {
            // The rest waits for room: keep the list of what is left.
            auto& rest = extra().rest;
            std::size_t skip = wdone_;
            for (const auto& b : bufs) {
                if (skip >= b.size()) {
                    skip -= b.size();
                    continue;
                }
                rest.push_back(b + skip);
                skip = 0;
            }
            if (writable_) schedule();
            return;
        }
        schedule();
    }

    void close() {
        if (!fd_.valid()) return;
        close_fd();
        if (reading_ || writing_) schedule();  // they complete with an error
    }

    // FIN after the pending write, then read until the peer's FIN; closed by
    // the deadline whatever the peer does.
    void shutdown() {
        if (!fd_.valid() || shutting_down_) return;
        shutting_down_ = true;
        auto& deadline = extra().deadline;
        deadline = std::make_shared<ShutdownDeadline>(reactor_.io());
        deadline->socket = this;
        deadline->timer.async_wait([d = deadline](const error_code& ec) {
            if (!ec && d->socket != nullptr) d->socket->finish_shutdown();
        });
        if (!writing_) ::shutdown(fd_.get(), SHUT_WR);
        if (!reading_ && readable_) schedule();
    }

    bool shutting_down() const { return shutting_down_ && fd_.valid(); }

    // The owner is gone while a shutdown is under way: no more handlers; the
    // socket deletes itself when the shutdown is over.
    void orphan() {
        orphaned_ = true;
        rh_ = nullptr;
        wh_ = nullptr;
        reading_ = false;
        if (readable_) schedule();
    }

    void on_events(std::uint32_t ev) override {
        if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) readable_ = true;
        // After the peer's FIN a short read no longer means "wait for more".
        if (ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) peer_done_ = true;
        if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR)) writable_ = true;
        progress();
    }

    void on_scheduled() override {
        scheduled_ = false;
        progress();
    }

    void on_reactor_shutdown(std::vector<std::function<void()>>& dropped) override {
        if (rh_) dropped.emplace_back([h = std::move(rh_)] {});
        if (wh_) dropped.emplace_back([h = std::move(wh_)] {});
        rh_ = nullptr;
        wh_ = nullptr;
        reading_ = writing_ = false;
        if (orphaned_) dropped.emplace_back([self = std::shared_ptr<TcpSocket>(this)] {});
    }

private:
    SocketExtra& extra() {
        if (!extra_) extra_ = std::make_unique<SocketExtra>();
        return *extra_;
    }
    bool write_waits() const { return extra_ && extra_->rest_first < extra_->rest.size(); }

    void schedule() {
        if (scheduled_ || !registered_) return;
        scheduled_ = true;
        reactor_.schedule(this);
    }

    // Closing the descriptor takes it out of the epoll set; the watcher stays
    // registered until destroyed, so that pending handlers still complete.
    void close_fd() { fd_.reset(); }

    void finish_shutdown() {
        close_fd();
        if (orphaned_)
            delete this;
        else if (reading_ || writing_)
            schedule();  // they complete with an error
    }

    // Sends what the kept list still holds.
    void continue_write() {
        auto& bufs = extra_->rest;
        auto& first = extra_->rest_first;
        std::size_t sent = send_from(bufs.data() + first, bufs.size() - first);
        wdone_ += sent;
        while (first < bufs.size() && sent > 0) {
            auto& b = bufs[first];
            if (sent < b.size()) {
                b += sent;
                break;
            }
            sent -= b.size();
            ++first;
        }
    }

    // Sends from `bufs` until all is sent, the socket is full (EAGAIN) or an
    // error; returns the bytes sent.
    std::size_t send_from(const boost::asio::const_buffer* bufs, std::size_t count) {
        constexpr std::size_t kMaxIov = 256;  // per call; well under IOV_MAX
        thread_local std::array<iovec, kMaxIov> iov;
        std::size_t sent = 0;
        std::size_t i = 0;
        std::size_t offset = 0;  // already sent of bufs[i]
        while (i < count) {
            std::size_t n_iov = 0;
            for (std::size_t j = i; j < count && n_iov < kMaxIov; ++j) {
                std::size_t skip = j == i ? offset : 0;
                if (bufs[j].size() <= skip) continue;
                iov[n_iov].iov_base =
                    const_cast<char*>(static_cast<const char*>(bufs[j].data())) + skip;
                iov[n_iov].iov_len = bufs[j].size() - skip;
                ++n_iov;
            }
            if (n_iov == 0) break;
            msghdr msg{};
            msg.msg_iov = iov.data();
            msg.msg_iovlen = n_iov;
            ssize_t n = ::sendmsg(fd_.get(), &msg, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    writable_ = false;
                else
                    werror_ = errno;
                break;
            }
            sent += static_cast<std::size_t>(n);
            for (auto left = static_cast<std::size_t>(n); i < count;) {
                std::size_t rest = bufs[i].size() - offset;
                if (left < rest) {
                    offset += left;
                    break;
                }
                left -= rest;
                ++i;
                offset = 0;
            }
        }
        return sent;
    }

    // Reads once into rbuf_; false when the socket turned out empty.
    bool read_once(error_code& ec, std::size_t& n) {
        for (;;) {
            ssize_t r = ::recv(fd_.get(), rbuf_.data(), rbuf_.size(), 0);
            if (r > 0) {
                n = static_cast<std::size_t>(r);
                // A short read emptied the socket (the kernel copies all it
                // has): the next data raises an edge. Not after the peer's
                // FIN, whose edge may already have been consumed.
                if (n < rbuf_.size() && !peer_done_) readable_ = false;
                return true;
            }
            if (r == 0) {
                ec = boost::asio::error::eof;
                return true;
            }
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                readable_ = false;
                return false;
            }
            ec = os_error(errno);
            return true;
        }
    }

    // During a shutdown with no read of the owner's: discard input until the
    // peer's FIN (closing with unread input would send a RST, which can
    // destroy the last bytes we sent before the peer reads them).
    void drain() {
        thread_local std::array<char, 4096> sink;
        for (int i = 0; i < 16; ++i) {
            ssize_t r = ::recv(fd_.get(), sink.data(), sink.size(), 0);
            if (r > 0) continue;
            if (r < 0 && errno == EINTR) continue;
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                readable_ = false;
                return;
            }
            close_fd();  // the FIN, or an error
            return;
        }
        schedule();  // more to discard: after the others' turn
    }

    void progress();

    Reactor& reactor_;
    UniqueFd fd_;
    std::uint16_t port_;
    std::string address_;        // of the peer
    std::string local_address_;  // ours, as the peer reached it
    bool* destroyed_ = nullptr;  // set while progress() runs handlers
    boost::asio::mutable_buffer rbuf_;
    Transport::Handler rh_;
    Transport::Handler wh_;
    std::unique_ptr<SocketExtra> extra_;
    std::size_t wdone_ = 0;
    int werror_ = 0;
    bool registered_ = false;
    bool scheduled_ = false;
    bool reading_ = false;
    bool writing_ = false;
    bool readable_ = true;  // until a read finds the socket empty
    bool writable_ = true;  // until a write finds it full
    bool peer_done_ = false;
    bool shutting_down_ = false;
    bool orphaned_ = false;
};

// Completes what can complete. A handler may destroy this socket (through
// its owner), so nothing here touches a member after a handler returned
// without checking.
void TcpSocket::progress() {
    bool destroyed = false;
    bool* const outer = destroyed_;
    destroyed_ = &destroyed;
    auto gone = [&] {
        if (!destroyed) return false;
        if (outer != nullptr) *outer = true;
        return true;
    };

    if (writing_) {
        if (fd_.valid() && werror_ == 0 && write_waits() && writable_) continue_write();
        const bool finished = !fd_.valid() || werror_ != 0 || !write_waits();
        if (finished) {
            writing_ = false;
            error_code ec;
            if (werror_ != 0)
                ec = os_error(werror_);
            else if (write_waits())
                ec = boost::asio::error::operation_aborted;
            if (extra_) {
                std::vector<boost::asio::const_buffer>().swap(extra_->rest);
                extra_->rest_first = 0;
                if (!extra_->deadline) extra_.reset();
            }
            if (shutting_down_ && fd_.valid()) {
                if (ec)
                    close_fd();
                else
                    ::shutdown(fd_.get(), SHUT_WR);
            }
            if (auto h = std::move(wh_)) {
                wh_ = nullptr;
                h(ec, wdone_);
                h = nullptr;  // what it holds may own this socket: released before the check
                if (gone()) return;
            }
        }
    }

    if (reading_) {
        error_code ec;
        std::size_t n = 0;
        bool finished = true;
        if (!fd_.valid())
            ec = boost::asio::error::operation_aborted;
        else if (rbuf_.size() != 0)
            finished = readable_ && read_once(ec, n);
        if (finished) {
            reading_ = false;
            if (auto h = std::move(rh_)) {
                rh_ = nullptr;
                h(ec, n);
                h = nullptr;  // what it holds may own this socket: released before the check
                if (gone()) return;
            }
        }
    } else if (shutting_down_ && fd_.valid() && readable_) {
        drain();
    }

    destroyed_ = outer;
    if (orphaned_ && !fd_.valid()) delete this;
}

class TcpTransport final : public Transport {
public:
    explicit TcpTransport(TcpSocket* s) : s_(s) {}
    ~TcpTransport() override {
        if (s_->shutting_down())
            s_->orphan();
        else
            delete s_;
    }
    TcpTransport(const TcpTransport&) = delete;
    TcpTransport& operator=(const TcpTransport&) = delete;

    void async_read_some(boost::asio::mutable_buffer buf, Handler h) override {
        s_->async_read_some(buf, std::move(h));
    }
    void async_write(const std::vector<boost::asio::const_buffer>& bufs, Handler h) override {
        s_->async_write(bufs, std::move(h));
    }
    void close() override { s_->close(); }
    void shutdown() override { s_->shutdown(); }
    const std::string& remote_address() const override { return s_->address(); }
    std::uint16_t remote_port() const override { return s_->port(); }
    const std::string& local_address() const override { return s_->local_address(); }
    std::string_view kind() const override { return "tcp"; }
    // recv() runs in the reactor's dispatch, just before the handler.
    bool reads_at_completion() const override { return true; }

private:
    TcpSocket* s_;  // owned, unless orphaned by the destructor
};

}  // namespace

std::unique_ptr<Transport> make_tcp_transport(boost::asio::io_context& io, UniqueFd fd, Peer peer,
                                              int& error) {
    auto s = std::make_unique<TcpSocket>(Reactor::of(io), std::move(fd), std::move(peer));
    error = s->open();
    if (error != 0) return nullptr;  // the socket closes the descriptor
    return std::make_unique<TcpTransport>(s.release());
}

std::unique_ptr<Transport> make_tcp_transport(boost::asio::ip::tcp::socket socket, Peer peer) {
    auto& io = static_cast<boost::asio::io_context&>(socket.get_executor().context());
    boost::system::error_code ec;
    UniqueFd fd(socket.release(ec));
    if (ec) return nullptr;
    int error = 0;
    return make_tcp_transport(io, std::move(fd), std::move(peer), error);
}

}  // namespace ts::net::detail
