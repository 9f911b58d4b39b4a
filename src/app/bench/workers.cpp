#include "app/bench/workers.hpp"

#include <sys/resource.h>
#include <unistd.h>

namespace ts::app::bench {

namespace asio = boost::asio;

WorkerPool::WorkerPool(std::size_t threads) {
    if (threads == 0) threads = 1;
    for (std::size_t i = 0; i < threads; ++i) {
        // Hint 1: each context is run by one thread, so Asio can skip locking.
        contexts_.push_back(std::make_unique<asio::io_context>(1));
        guards_.emplace_back(contexts_.back()->get_executor());
    }
    for (auto& c : contexts_) threads_.emplace_back([ctx = c.get()] { ctx->run(); });
}

WorkerPool::~WorkerPool() {
    stop();
}

void WorkerPool::stop() {
    for (auto& g : guards_) g.reset();
    for (auto& c : contexts_) c->stop();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

asio::ip::address source_address(std::size_t index, std::size_t count) {
    if (count <= 1) return asio::ip::address_v4::any();
    const auto last = static_cast<std::uint32_t>(1 + index % std::min<std::size_t>(count, 254));
    return asio::ip::address_v4((127u << 24) | last);
}

Expected<asio::ip::tcp::endpoint, std::string> resolve_broker(const BenchOptions& o) {
    asio::io_context ioc;
    asio::ip::tcp::resolver resolver(ioc);
    boost::system::error_code ec;
    auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
    if (ec || results.empty()) return unexpected("cannot resolve " + o.host + ": " + ec.message());
    return results.begin()->endpoint();
}

mqtt::Connect make_connect(const BenchOptions& o, std::size_t index, std::uint16_t keep_alive_s) {
    mqtt::Connect c;
    c.version = mqtt::ProtocolVersion::v311;
    c.clean_start = true;
    c.keep_alive = keep_alive_s;
    if (o.identity)
        o.identity(index, c);
    else
        c.client_id = "bench-" + std::to_string(::getpid()) + "-" + std::to_string(index);
    return c;
}

bool wait_until(const std::function<bool()>& done, std::chrono::steady_clock::time_point deadline) {
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return done();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

void raise_fd_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }
}

}  // namespace ts::app::bench
