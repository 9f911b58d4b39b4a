#include "app/bench/pubsub_run.hpp"

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <thread>

#include "app/bench/publisher.hpp"
#include "app/bench/run_state.hpp"
#include "app/bench/subscriber.hpp"
#include "app/bench/ticker.hpp"
#include "app/bench/workers.hpp"

namespace ts::app::bench {

namespace {

using namespace std::chrono_literals;

// What one worker thread owns. Created and touched only on that thread
// until the pool has stopped.
struct Worker {
    WorkerCounters counters;
    std::vector<std::unique_ptr<Publisher>> publishers;
    std::vector<std::unique_ptr<Subscriber>> subscribers;
    std::unique_ptr<boost::asio::steady_timer> ticker;
};

struct Totals {
    std::uint64_t sent = 0, received = 0, acked = 0, pubs = 0, subs = 0, failures = 0;
};

Totals totals(const std::vector<std::unique_ptr<Worker>>& workers) {
    Totals t;
    for (const auto& w : workers) {
        const auto& c = w->counters;
        t.sent += c.sent.load(std::memory_order_relaxed);
        t.received += c.received.load(std::memory_order_relaxed);
        t.acked += c.acked.load(std::memory_order_relaxed);
        t.pubs += c.publishers_ready.load(std::memory_order_relaxed);
        t.subs += c.subscribers_ready.load(std::memory_order_relaxed);
        t.failures += c.failures.load(std::memory_order_relaxed);
    }
    return t;
}

}  // namespace

PubSubResult run_pubsub(const BenchOptions& o, const PubSubPlan& plan) {
    PubSubResult r;
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

    const auto pub_count = plan.publisher_topics.size();
    const auto qos = o.qos == 1 ? mqtt::QoS::AtLeastOnce : mqtt::QoS::AtMostOnce;
    // Fan-out subscribers each see one message per publish; fan-in's few
    // see everything, so they get bigger read buffers (fewer syscalls).
    const std::size_t read_buffer = plan.subscribers > 64 ? 16 * 1024 : 256 * 1024;

    // With two threads or more, subscribers and publishers get threads of
    // their own: flat-out publishers on the subscriber's event loop would
    // starve it and the generator, not the broker, would set the pace.
    const std::size_t sub_threads = pool.size() >= 2 ? pool.size() / 2 : 1;
    const std::size_t pub_first = pool.size() >= 2 ? sub_threads : 0;
    const std::size_t pub_threads = pool.size() - pub_first;

    // Subscribers first: a message published before they are subscribed
    // would count as lost.
    std::size_t client = 0;
    for (std::size_t s = 0; s < plan.subscribers; ++s, ++client) {
        const auto wi = s % sub_threads;
        auto connect = make_connect(o, client, o.keep_alive_s);
        const auto source = source_address(client, o.source_addresses);
        pool.post(wi, [&, wi, connect = std::move(connect), source]() mutable {
            auto& w = *workers[wi];
            w.subscribers.push_back(std::make_unique<Subscriber>(
                pool.context(wi), *broker, source, std::move(connect), plan.subscriber_filter, qos,
                pub_count, read_buffer, control, w.counters));
            w.subscribers.back()->start();
        });
    }
    const auto setup_deadline = Clock::now() + 30s;
    wait_until(
        [&] {
            const auto t = totals(workers);
            return t.subs == plan.subscribers || t.failures > 0;
        },
        setup_deadline);
    if (auto t = totals(workers); t.subs != plan.subscribers) {
        pool.stop();
        r.error = "only " + std::to_string(t.subs) + " of " + std::to_string(plan.subscribers) +
                  " subscribers ready";
        for (auto& w : workers)
            if (!w->counters.first_failure.empty())
                r.error += " (" + w->counters.first_failure + ")";
        return r;
    }

    for (std::size_t p = 0; p < pub_count; ++p, ++client) {
        const auto wi = pub_first + p % pub_threads;
        auto connect = make_connect(o, client, o.keep_alive_s);
        const auto source = source_address(client, o.source_addresses);
        pool.post(wi, [&, wi, p, connect = std::move(connect), source]() mutable {
            auto& w = *workers[wi];
            w.publishers.push_back(std::make_unique<Publisher>(
                pool.context(wi), *broker, source, std::move(connect),
                static_cast<std::uint32_t>(p), plan.publisher_topics[p], o, control, w.counters));
            w.publishers.back()->start();
        });
    }
    if (o.rate > 0) {
        start_tickers(pool, workers, 0, control, [](Worker& w, Clock::time_point now) {
            for (auto& p : w.publishers) p->tick(now);
        });
    }
    wait_until([&] { return totals(workers).pubs + totals(workers).failures >= pub_count; },
               Clock::now() + 30s);

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

    // Drain: wait for what is still on its way, until everything expected
    // has arrived or nothing has for a second (the rest is lost).
    {
        auto last = totals(workers).received;
        auto last_change = Clock::now();
        const auto hard_stop = Clock::now() + 10s;
        while (Clock::now() < hard_stop) {
            std::this_thread::sleep_for(20ms);
            const auto t = totals(workers);
            if (t.received >= t.sent * plan.copies) break;
            if (t.received != last) {
                last = t.received;
                last_change = Clock::now();
            } else if (Clock::now() - last_change > 1s) {
                break;
            }
        }
    }

    for (std::size_t wi = 0; wi < pool.size(); ++wi)
        pool.post(wi, [&, wi] {
            auto& w = *workers[wi];
            if (w.ticker) w.ticker->cancel();
            for (auto& p : w.publishers) p->close();
            for (auto& s : w.subscribers) s->close();
        });
    std::this_thread::sleep_for(50ms);
    pool.stop();

    // The threads have stopped: everything below reads plain state.
    r.ok = true;
    r.window_s = std::chrono::duration<double>(t1 - t0).count();
    r.sent = after.sent - before.sent;
    r.received = after.received - before.received;
    r.acked = after.acked - before.acked;
    const auto end = totals(workers);
    r.sent_total = end.sent;
    r.received_total = end.received;
    r.failures = end.failures;

    std::vector<std::uint64_t> sent_by(pub_count, 0);
    SequenceTracker seen(pub_count);
    for (auto& w : workers) {
        r.latency.merge(w->counters.latency);
        if (r.first_failure.empty()) r.first_failure = w->counters.first_failure;
        for (const auto& p : w->publishers) sent_by[p->id()] = p->sent();
        for (auto& s : w->subscribers) seen.merge(s->tracker());
    }
    r.loss = seen.loss(sent_by, plan.copies);
    r.out_of_order = seen.out_of_order();
    // Destroy the clients (closing their sockets) before the pool's contexts.
    workers.clear();
    return r;
}

}  // namespace ts::app::bench
