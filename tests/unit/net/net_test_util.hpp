#pragma once
// Helpers for the net tests: event-loop threads like the broker's, an echo
// server written against Transport only, and waiting with a deadline.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "net/transport.hpp"

namespace ts::net::test {

class EventLoops {
public:
    explicit EventLoops(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            ios_.push_back(std::make_unique<boost::asio::io_context>(1));
            guards_.emplace_back(ios_.back()->get_executor());
        }
        for (std::size_t i = 0; i < n; ++i)
            threads_.emplace_back([io = ios_[i].get()] { io->run(); });
    }
    ~EventLoops() { stop(); }
    EventLoops(const EventLoops&) = delete;
    EventLoops& operator=(const EventLoops&) = delete;

    void stop() {
        for (auto& io : ios_) io->stop();
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }
    std::vector<boost::asio::io_context*> contexts() const {
        std::vector<boost::asio::io_context*> out;
        for (auto& io : ios_) out.push_back(io.get());
        return out;
    }
    boost::asio::io_context& io(std::size_t i) { return *ios_[i]; }
    std::thread::id thread_id(std::size_t i) const { return threads_[i].get_id(); }

private:
    std::vector<std::unique_ptr<boost::asio::io_context>> ios_;
    std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
    std::vector<std::thread> threads_;
};

// Echoes what it reads, writing each chunk as two buffers to exercise the
// gathered write.
class Echo : public std::enable_shared_from_this<Echo> {
public:
    explicit Echo(std::unique_ptr<Transport> t) : t_(std::move(t)) {}
    void start() { read(); }

private:
    void read() {
        t_->async_read_some(
            boost::asio::buffer(buf_),
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                if (ec) return self->t_->close();
                self->write(n);
            });
    }
    void write(std::size_t n) {
        std::size_t half = n / 2;
        bufs_ = {boost::asio::buffer(buf_.data(), half),
                 boost::asio::buffer(buf_.data() + half, n - half)};
        t_->async_write(
            bufs_, [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                if (ec) return self->t_->close();
                self->read();
            });
    }

    std::unique_ptr<Transport> t_;
    std::array<char, 8192> buf_{};
    std::vector<boost::asio::const_buffer> bufs_;
};

// Runs `f` on `io`'s thread and waits for it.
template <class F>
auto run_on(boost::asio::io_context& io, F f) {
    std::promise<decltype(f())> p;
    auto fut = p.get_future();
    boost::asio::post(io, [&] {
        if constexpr (std::is_void_v<decltype(f())>) {
            f();
            p.set_value();
        } else {
            p.set_value(f());
        }
    });
    return fut.get();
}

// Waits until `pred` holds or the timeout passes; returns pred().
inline bool eventually(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return pred();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace ts::net::test
