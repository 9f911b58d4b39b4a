#pragma once
// The generator's threads: one io_context per thread, so connections never
// share a lock or an event queue, plus the choices every scenario makes the
// same way (where a client connects from, what it sends in CONNECT).
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/bench/options.hpp"
#include "core/expected.hpp"
#include "mqtt/packets.hpp"

namespace ts::app::bench {

class WorkerPool {
public:
    explicit WorkerPool(std::size_t threads);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    std::size_t size() const { return contexts_.size(); }
    boost::asio::io_context& context(std::size_t i) { return *contexts_[i]; }
    template <typename F>
    void post(std::size_t i, F&& f) {
        boost::asio::post(*contexts_[i], std::forward<F>(f));
    }
    // Stops every loop and joins the threads; idempotent. Handlers still
    // queued are dropped, so whatever they refer to may be destroyed after.
    void stop();

private:
    using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
    std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
    std::vector<Guard> guards_;
    std::vector<std::thread> threads_;
};

// 127.0.0.(1 + index % count), or unspecified (no bind) when count <= 1 so
// that a remote broker works too.
boost::asio::ip::address source_address(std::size_t index, std::size_t count);

// The broker's address, resolved once.
Expected<boost::asio::ip::tcp::endpoint, std::string> resolve_broker(const BenchOptions& o);

// CONNECT for client `index`: clean session, the keep-alive, and the
// identity hook's id/credentials (anonymous "bench-<pid>-<index>" without one).
mqtt::Connect make_connect(const BenchOptions& o, std::size_t index, std::uint16_t keep_alive_s);

// Sleeps in short steps until `done()` or the deadline; the final value.
bool wait_until(const std::function<bool()>& done, std::chrono::steady_clock::time_point deadline);

// Raises the open-file limit to its hard maximum: each connection is a file.
void raise_fd_limit();

}  // namespace ts::app::bench
