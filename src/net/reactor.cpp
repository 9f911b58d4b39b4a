#include "net/reactor.hpp"

#include <boost/asio/post.hpp>

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace ts::net::detail {

boost::asio::io_context::id Reactor::id;

namespace {

int open_epoll() {
    int fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
    return fd;
}

}  // namespace

Reactor::Reactor(boost::asio::io_context& io)
    : boost::asio::io_context::service(io), epfd_(open_epoll()), epoll_descriptor_(io) {
    boost::system::error_code ec;
    epoll_descriptor_.assign(epfd_, ec);
    if (ec) {
        ::close(epfd_);
        throw std::system_error(ec.value(), std::generic_category(), "epoll descriptor");
    }
    arm();
}

Reactor::~Reactor() = default;

int Reactor::add(int fd, Watcher* w) {
    if (stopped()) return EBADF;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = w;
    if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return errno;
    w->prev_ = nullptr;
    w->next_ = watchers_;
    if (watchers_ != nullptr) watchers_->prev_ = w;
    watchers_ = w;
    return 0;
}

void Reactor::remove(Watcher* w) {
    for (int i = event_pos_ + 1; i < event_count_; ++i)
        if (events_[i].data.ptr == w) events_[i].data.ptr = nullptr;
    for (auto& s : scheduled_)
        if (s == w) s = nullptr;
    for (std::size_t i = running_pos_ + 1; i < running_.size(); ++i)
        if (running_[i] == w) running_[i] = nullptr;
    if (w->prev_ != nullptr) w->prev_->next_ = w->next_;
    if (w->next_ != nullptr) w->next_->prev_ = w->prev_;
    if (watchers_ == w) watchers_ = w->next_;
    w->prev_ = w->next_ = nullptr;
}

void Reactor::schedule(Watcher* w) {
    scheduled_.push_back(w);
    if (!busy_) post_run();
}

// The io_context waits on the epoll set (edge-triggered, as asio registers
// every descriptor): the wait is re-armed only once the set was found empty,
// and that happens on this thread before the io_context can look for the
// next edge, so none is missed.
void Reactor::arm() {
    if (armed_ || stopped()) return;
    armed_ = true;
    epoll_descriptor_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                                 [this](const boost::system::error_code& ec) {
                                     armed_ = false;
                                     if (!ec) dispatch();
                                 });
}

void Reactor::dispatch() {
    if (stopped()) return;
    busy_ = true;
    int n = 0;
    // A few rounds, then the io_context's other work gets its turn.
    for (int round = 0; round < 4; ++round) {
        n = ::epoll_wait(epfd_, events_.data(), kMaxEvents, 0);
        if (n < 0 && errno == EINTR) {
            n = kMaxEvents;  // try again
            continue;
        }
        if (n <= 0) break;
        event_count_ = n;
        for (event_pos_ = 0; event_pos_ < event_count_; ++event_pos_) {
            auto* w = static_cast<Watcher*>(events_[event_pos_].data.ptr);
            if (w != nullptr) w->on_events(events_[event_pos_].events);
        }
        event_pos_ = event_count_ = 0;
        run_scheduled();
        if (n < kMaxEvents) break;
    }
    busy_ = false;
    if (!scheduled_.empty()) post_run();
    if (n < kMaxEvents) {
        arm();
    } else if (!dispatch_posted_) {
        // The set may still hold events, and no new edge would say so.
        dispatch_posted_ = true;
        boost::asio::post(io(), [this] {
            dispatch_posted_ = false;
            dispatch();
        });
    }
}

// One batch: what is scheduled meanwhile waits for the next, after the
// io_context's other handlers (a socket that is always readable must not
// starve the rest).
void Reactor::run_scheduled() {
    if (scheduled_.empty()) return;
    const bool was_busy = busy_;
    busy_ = true;
    running_.swap(scheduled_);
    for (running_pos_ = 0; running_pos_ < running_.size(); ++running_pos_)
        if (auto* w = running_[running_pos_]) w->on_scheduled();
    running_.clear();
    running_pos_ = 0;
    busy_ = was_busy;
    if (!busy_ && !scheduled_.empty()) post_run();
}

void Reactor::post_run() {
    if (run_posted_ || stopped()) return;
    run_posted_ = true;
    boost::asio::post(io(), [this] {
        run_posted_ = false;
        run_scheduled();
    });
}

void Reactor::shutdown() {
    std::vector<std::function<void()>> dropped;
    for (Watcher* w = watchers_; w != nullptr; w = w->next_) w->on_reactor_shutdown(dropped);
    boost::system::error_code ignored;
    epoll_descriptor_.close(ignored);
    epfd_ = -1;
    scheduled_.clear();
    dropped.clear();  // may destroy watchers, which then remove() themselves
}

}  // namespace ts::net::detail
