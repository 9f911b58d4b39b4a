#include "app/bench/p2p_run.hpp"

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "app/bench/echo_device.hpp"
#include "app/bench/p2p_backend.hpp"
#include "app/bench/run_state.hpp"
#include "app/bench/ticker.hpp"
#include "app/bench/workers.hpp"

namespace ts::app::bench {

namespace {

using namespace std::chrono_literals;

// What one worker thread owns. Created and touched only on that thread
// until the pool has stopped.
struct Worker {
    WorkerCounters counters;
    std::vector<std::unique_ptr<EchoDevice>> devices;
    std::vector<std::unique_ptr<P2PBackend>> backends;
    std::unique_ptr<boost::asio::steady_timer> ticker;
};

struct Totals {
    std::uint64_t requests = 0, replies = 0, backends = 0, devices = 0, failures = 0;
};

Totals totals(const std::vector<std::unique_ptr<Worker>>& workers) {
    Totals t;
    for (const auto& w : workers) {
        const auto& c = w->counters;
        t.requests += c.sent.load(std::memory_order_relaxed);
        t.replies += c.received.load(std::memory_order_relaxed);
        t.backends += c.publishers_ready.load(std::memory_order_relaxed);
        t.devices += c.subscribers_ready.load(std::memory_order_relaxed);
        t.failures += c.failures.load(std::memory_order_relaxed);
    }
    return t;
}

std::string first_failure(const std::vector<std::unique_ptr<Worker>>& workers) {
    for (const auto& w : workers)
        if (!w->counters.first_failure.empty()) return w->counters.first_failure;
    return {};
}

}  // namespace

P2PResult run_p2p_pairs(const BenchOptions& o, const P2PPlan& plan) {
    P2PResult r;
    auto broker = resolve_broker(o);
    if (!broker) {
        r.error = broker.error();
        return r;
    }
    raise_fd_limit();

    Control control;
    WorkerPool pool(o.threads);
    std::vector<std::unique_ptr<Worker>> workers;
    for (std::size_t i = 0; i < pool.size(); ++i) workers.push_back(std::make_unique<Worker>());
    const auto qos = o.qos == 1 ? mqtt::QoS::AtLeastOnce : mqtt::QoS::AtMostOnce;

    // Devices and backends on threads of their own when there are two or
    // more, as publishers and subscribers are in fan-in: each side's event
    // loop then shows its own load.
    const std::size_t dev_threads = pool.size() >= 2 ? pool.size() / 2 : 1;
    const std::size_t back_first = pool.size() >= 2 ? dev_threads : 0;
    const std::size_t back_threads = pool.size() - back_first;

    // Devices first: a request sent before its device is subscribed would
    // count as lost.
    std::size_t client = 0;
    for (std::size_t i = 0; i < plan.pairs; ++i, ++client) {
        const auto wi = i % dev_threads;
        auto connect = make_connect(o, client, o.keep_alive_s);
        const auto source = source_address(client, o.source_addresses);
        pool.post(wi, [&, wi, i, connect = std::move(connect), source]() mutable {
            auto& w = *workers[wi];
            w.devices.push_back(std::make_unique<EchoDevice>(pool.context(wi), *broker, source,
                                                             std::move(connect), i, qos,
                                                             o.payload_size, w.counters));
            w.devices.back()->start();
        });
    }
    const auto ready = [&](std::uint64_t want, bool devices) {
        wait_until(
            [&] {
                const auto t = totals(workers);
                return (devices ? t.devices : t.backends) >= want || t.failures > 0;
            },
            Clock::now() + 30s);
        const auto t = totals(workers);
        const auto got = devices ? t.devices : t.backends;
        if (got >= want && t.failures == 0) return true;
        r.error = "only " + std::to_string(got) + " of " + std::to_string(want) +
                  (devices ? " devices" : " backends") + " ready";
        if (const auto why = first_failure(workers); !why.empty()) r.error += " (" + why + ")";
        return false;
    };
    if (!ready(plan.pairs, true)) {
        pool.stop();
        return r;
    }

    for (std::size_t i = 0; i < plan.pairs; ++i, ++client) {
        const auto wi = back_first + i % back_threads;
        auto connect = make_connect(o, client, o.keep_alive_s);
        const auto source = source_address(client, o.source_addresses);
        pool.post(wi, [&, wi, i, connect = std::move(connect), source]() mutable {
            auto& w = *workers[wi];
            w.backends.push_back(std::make_unique<P2PBackend>(
                pool.context(wi), *broker, source, std::move(connect),
                static_cast<std::uint32_t>(i), plan.window, o, control, w.counters));
            w.backends.back()->start();
        });
    }
    if (o.rate > 0) {
        start_tickers(pool, workers, back_first, control, [](Worker& w, Clock::time_point now) {
            for (auto& b : w.backends) b->tick(now);
        });
    }
    if (!ready(plan.pairs, false)) {
        pool.stop();
        return r;
    }

    std::this_thread::sleep_for(seconds(o.warmup_s));
    const auto before = totals(workers);
    if (o.broker_pid) r.broker_before = sample_process(*o.broker_pid);
    const auto t0 = Clock::now();
    control.measuring = true;

    std::this_thread::sleep_for(seconds(o.duration_s));
    const auto after = totals(workers);
    const auto t1 = Clock::now();
    if (o.broker_pid) r.broker_after = sample_process(*o.broker_pid);
    control.measuring = false;
    control.stop_publishing = true;

    // A request still unanswered a second after the end is lost.
    wait_until(
        [&] {
            const auto t = totals(workers);
            return t.replies >= t.requests;
        },
        Clock::now() + 1s);

    for (std::size_t wi = 0; wi < pool.size(); ++wi)
        pool.post(wi, [&, wi] {
            auto& w = *workers[wi];
            if (w.ticker) w.ticker->cancel();
            for (auto& b : w.backends) b->close();
            for (auto& d : w.devices) d->close();
        });
    std::this_thread::sleep_for(50ms);
    pool.stop();

    // The threads have stopped: everything below reads plain state.
    r.ok = true;
    r.window_s = std::chrono::duration<double>(t1 - t0).count();
    r.requests = after.requests - before.requests;
    r.replies = after.replies - before.replies;
    r.failures = totals(workers).failures;
    r.first_failure = first_failure(workers);
    for (auto& w : workers) {
        r.round_trip.merge(w->counters.latency);
        for (const auto& b : w->backends) {
            r.requests_total += b->sent();
            r.replies_total += b->replied();
            r.lost += p2p_lost(b->sent(), b->replied());
        }
    }
    // Destroy the clients (closing their sockets) before the pool's contexts.
    workers.clear();
    return r;
}

}  // namespace ts::app::bench
