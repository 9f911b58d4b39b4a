#pragma once
// Internal: readiness dispatch for plain TCP connections without asio's
// per-socket machinery. One per io_context (an asio service): its own epoll
// set, which the io_context itself waits on, so every callback still runs on
// the io_context's thread, in turn with its other work.
//
// Why not asio's sockets for plain TCP: an idle connection held asio's reactor
// state (~192 B), a pending read operation (~224 B) and a reference-counted
// stream state (~192 B); here it holds one object of its own. And readiness is
// tracked per socket (edge-triggered), so a read that took less than it asked
// for is known to have emptied the socket, with no extra call to learn it.
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <sys/epoll.h>

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace ts::net::detail {

class Reactor final : public boost::asio::io_context::service {
public:
    // What the reactor calls; on the io_context's thread, never from inside a
    // call the watcher made to the reactor.
    class Watcher {
    public:
        virtual void on_events(std::uint32_t epoll_events) = 0;
        virtual void on_scheduled() = 0;  // after schedule()
        // The io_context is going away: drop (do not call) handlers, moving
        // them into `dropped` so that they are destroyed after every watcher
        // was told (destroying one may destroy other watchers).
        virtual void on_reactor_shutdown(std::vector<std::function<void()>>& dropped) = 0;

    protected:
        Watcher() = default;
        virtual ~Watcher() = default;

    private:
        friend class Reactor;
        Watcher* prev_ = nullptr;  // the reactor's list of registered watchers
        Watcher* next_ = nullptr;
    };

    static boost::asio::io_context::id id;

    explicit Reactor(boost::asio::io_context& io);
    ~Reactor() override;
    Reactor(const Reactor&) = delete;
    Reactor& operator=(const Reactor&) = delete;

    static Reactor& of(boost::asio::io_context& io) {
        return boost::asio::use_service<Reactor>(io);
    }

    boost::asio::io_context& io() { return get_io_context(); }
    bool stopped() const { return epfd_ < 0; }

    // Watches `fd` for input and output (edge-triggered). Returns 0 or errno.
    int add(int fd, Watcher* w);
    // Forgets the watcher: its undelivered events and its schedule. The
    // caller closes the descriptor right after (which takes it out of the
    // epoll set: no call needed for that).
    void remove(Watcher* w);
    // Calls w->on_scheduled() soon, after the caller has returned.
    void schedule(Watcher* w);

private:
    void shutdown() override;
    void arm();
    void dispatch();
    void run_scheduled();
    void post_run();

    static constexpr int kMaxEvents = 128;

    int epfd_ = -1;
    boost::asio::posix::stream_descriptor epoll_descriptor_;
    std::array<epoll_event, kMaxEvents> events_{};
    int event_pos_ = 0;
    int event_count_ = 0;
    std::vector<Watcher*> scheduled_;
    std::vector<Watcher*> running_;  // the batch of scheduled_ being run
    std::size_t running_pos_ = 0;
    Watcher* watchers_ = nullptr;  // head of the registered list
    bool busy_ = false;            // inside dispatch() or run_scheduled()
    bool armed_ = false;
    bool run_posted_ = false;
    bool dispatch_posted_ = false;
};

}  // namespace ts::net::detail
