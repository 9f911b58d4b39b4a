#include "app/bench/props_run.hpp"

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <thread>

#include "app/bench/props_device.hpp"
#include "app/bench/ticker.hpp"
#include "app/bench/workers.hpp"

namespace ts::app::bench {

namespace {

using namespace std::chrono_literals;

// What one worker thread owns; touched only on that thread until the pool
// has stopped.
struct Worker {
    PropsCounters counters;
    std::vector<std::unique_ptr<PropsDevice>> devices;
    std::unique_ptr<boost::asio::steady_timer> ticker;
};

struct Totals {
    std::uint64_t posts = 0, stored = 0, refused = 0, ready = 0, failures = 0;
};

Totals totals(const std::vector<std::unique_ptr<Worker>>& workers) {
    Totals t;
    for (const auto& w : workers) {
        const auto& c = w->counters;
        t.posts += c.posts.load(std::memory_order_relaxed);
        t.stored += c.stored.load(std::memory_order_relaxed);
        t.refused += c.refused.load(std::memory_order_relaxed);
        t.ready += c.ready.load(std::memory_order_relaxed);
        t.failures += c.failures.load(std::memory_order_relaxed);
    }
    return t;
}

std::string first_of(const std::vector<std::unique_ptr<Worker>>& workers,
                     std::string PropsCounters::*field) {
    for (const auto& w : workers)
        if (!(w->counters.*field).empty()) return w->counters.*field;
    return {};
}

}  // namespace

PropsResult run_props_devices(const BenchOptions& o, const PropsPlan& plan,
                              const std::vector<DeviceCredential>& devices) {
    PropsResult r;
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

    for (std::size_t i = 0; i < plan.devices; ++i) {
        const auto wi = i % pool.size();
        auto connect = make_connect(o, i, o.keep_alive_s);
        const auto source = source_address(i, o.source_addresses);
        pool.post(wi, [&, wi, i, connect = std::move(connect), source]() mutable {
            auto& w = *workers[wi];
            w.devices.push_back(std::make_unique<PropsDevice>(pool.context(wi), *broker, source,
                                                              std::move(connect), devices[i], plan,
                                                              o, control, w.counters));
            w.devices.back()->start();
        });
    }
    if (o.rate > 0) {
        start_tickers(pool, workers, 0, control, [](Worker& w, Clock::time_point now) {
            for (auto& d : w.devices) d->tick(now);
        });
    }
    // Signing in costs the platform a registry lookup and an HMAC each: a
    // minute is plenty for thousands.
    wait_until(
        [&] {
            const auto t = totals(workers);
            return t.ready >= plan.devices || t.failures > 0;
        },
        Clock::now() + 60s);
    if (const auto t = totals(workers); t.ready < plan.devices || t.failures > 0) {
        r.error = "only " + std::to_string(t.ready) + " of " + std::to_string(plan.devices) +
                  " devices signed in and subscribed";
        if (const auto why = first_of(workers, &PropsCounters::first_failure); !why.empty())
            r.error += " (" + why + ")";
        for (std::size_t wi = 0; wi < pool.size(); ++wi)
            pool.post(wi, [&, wi] {
                for (auto& d : workers[wi]->devices) d->close();
            });
        std::this_thread::sleep_for(50ms);
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

    // A post still unanswered two seconds after the end is lost: the store
    // commits in batches, so the last replies may trail by a commit or two.
    wait_until(
        [&] {
            const auto t = totals(workers);
            return t.stored + t.refused >= t.posts;
        },
        Clock::now() + 2s);

    for (std::size_t wi = 0; wi < pool.size(); ++wi)
        pool.post(wi, [&, wi] {
            auto& w = *workers[wi];
            if (w.ticker) w.ticker->cancel();
            for (auto& d : w.devices) d->close();
        });
    std::this_thread::sleep_for(50ms);
    pool.stop();

    // The threads have stopped: everything below reads plain state.
    const auto end = totals(workers);
    r.ok = true;
    r.window_s = std::chrono::duration<double>(t1 - t0).count();
    r.posts = after.posts - before.posts;
    r.stored = after.stored - before.stored;
    r.refused = after.refused - before.refused;
    r.posts_total = end.posts;
    r.stored_total = end.stored;
    r.refused_total = end.refused;
    r.failures = end.failures;
    r.first_failure = first_of(workers, &PropsCounters::first_failure);
    r.first_refusal = first_of(workers, &PropsCounters::first_refusal);
    for (auto& w : workers) {
        r.reply_latency.merge(w->counters.latency);
        for (const auto& d : w->devices) r.lost += props_lost(d->sent(), d->answered());
    }
    // Destroy the devices (closing their sockets) before the pool's contexts.
    workers.clear();
    return r;
}

}  // namespace ts::app::bench
