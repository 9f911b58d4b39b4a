// connect: N clients connect (TCP, CONNECT, CONNACK) as fast as --concurrency
// outstanding attempts allow; connects/s, failures, connect latency. The
// connections stay open until the end, as devices would.
// idle: the same, then held for --duration with keep-alive pings, to read
// the broker's resident memory per connection.
#include <boost/asio/steady_timer.hpp>
#include <cmath>
#include <iostream>
#include <memory>
#include <thread>

#include "app/bench/held_connection.hpp"
#include "app/bench/report.hpp"
#include "app/bench/run_state.hpp"
#include "app/bench/scenarios.hpp"
#include "app/bench/workers.hpp"
#include "mqtt/codec.hpp"

namespace ts::app::bench {

namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct ConnectWorker;

class Client final : public HeldConnection::Handler {
public:
    Client(ConnectWorker& w, asio::io_context& ioc, const asio::ip::tcp::endpoint& broker,
           const asio::ip::address& source, std::vector<std::uint8_t> connect)
        : conn(ioc, *this, broker, source, std::move(connect)), worker(w) {}
    void on_connack(HeldConnection& c) override;
    void on_failed(HeldConnection& c, const std::string& why) override;

    HeldConnection conn;
    ConnectWorker& worker;
    Clock::time_point started{};
};

struct ConnectWorker {
    ConnectWorker(asio::io_context& c, const BenchOptions& o, const asio::ip::tcp::endpoint& b,
                  std::atomic<std::size_t>& next, std::atomic<bool>& stop)
        : ioc(c), opts(o), broker(b), next_index(next), stopping(stop) {}

    asio::io_context& ioc;
    const BenchOptions& opts;
    asio::ip::tcp::endpoint broker;
    std::atomic<std::size_t>& next_index;
    std::atomic<bool>& stopping;

    std::vector<std::unique_ptr<Client>> clients;
    std::atomic<std::uint64_t> connected{0}, failed{0};
    LatencyHistogram latency;  // owner thread
    std::string first_failure;
    std::unique_ptr<asio::steady_timer> pinger;

    // Starts the next client, if any remain: one call per free slot.
    void launch() {
        if (stopping.load(std::memory_order_relaxed)) return;
        const auto index = next_index.fetch_add(1, std::memory_order_relaxed);
        if (index >= opts.clients) return;
        std::vector<std::uint8_t> connect;
        mqtt::encode(make_connect(opts, index, opts.keep_alive_s), mqtt::ProtocolVersion::v311,
                     connect);
        clients.push_back(std::make_unique<Client>(
            *this, ioc, broker, source_address(index, opts.source_addresses), std::move(connect)));
        auto& c = *clients.back();
        c.started = Clock::now();
        c.conn.start();
    }

    void connected_one(Client& c) {
        latency.record(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - c.started)
                .count()));
        bump(connected);
        launch();
    }

    void failed_one(const std::string& why) {
        bump(failed);
        if (first_failure.empty()) first_failure = why;
        launch();
    }

    // Idle connections must still show the broker they are alive.
    void ping_every(std::chrono::seconds period) {
        pinger->expires_after(period);
        pinger->async_wait([this, period](const boost::system::error_code& ec) {
            if (ec) return;
            for (auto& c : clients)
                if (c->conn.connected() && !c->conn.closed()) c->conn.send_ping();
            ping_every(period);
        });
    }
};

void Client::on_connack(HeldConnection&) {
    worker.connected_one(*this);
}

void Client::on_failed(HeldConnection&, const std::string& why) {
    // A held connection dropped later is a failure too, but no slot frees.
    if (conn.connected()) {
        bump(worker.failed);
        if (worker.first_failure.empty()) worker.first_failure = "dropped: " + why;
        return;
    }
    worker.failed_one(why);
}

std::uint64_t sum(const std::vector<std::unique_ptr<ConnectWorker>>& ws,
                  std::atomic<std::uint64_t> ConnectWorker::*field) {
    std::uint64_t n = 0;
    for (const auto& w : ws) n += ((*w).*field).load(std::memory_order_relaxed);
    return n;
}

double round1(double v) {
    return std::round(v * 10) / 10;
}

}  // namespace

int run_connect(const BenchOptions& o, bool hold_idle) {
    const char* name = hold_idle ? "idle" : "connect";
    auto broker = resolve_broker(o);
    if (!broker) {
        std::cerr << "thingstead: bench " << name << ": " << broker.error() << "\n";
        return 1;
    }
    raise_fd_limit();

    std::atomic<std::size_t> next_index{0};
    std::atomic<bool> stopping{false};
    WorkerPool pool(o.threads);
    std::vector<std::unique_ptr<ConnectWorker>> workers;
    for (std::size_t i = 0; i < pool.size(); ++i)
        workers.push_back(
            std::make_unique<ConnectWorker>(pool.context(i), o, *broker, next_index, stopping));

    std::optional<ProcSample> b0, b1, b2;
    if (o.broker_pid) b0 = sample_process(*o.broker_pid);
    const auto t0 = Clock::now();
    // The concurrency is split over the threads; each slot runs one attempt
    // at a time and starts the next when it ends.
    const auto slots = std::max<std::size_t>(1, o.concurrency);
    for (std::size_t s = 0; s < slots; ++s) {
        const auto wi = s % pool.size();
        pool.post(wi, [&, wi] { workers[wi]->launch(); });
    }
    // connect runs for at most --duration; idle gives its connect phase a
    // minute and then holds for --duration.
    const auto cap =
        hold_idle ? std::chrono::duration<double>(60) : std::chrono::duration<double>(o.duration_s);
    const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(cap);
    wait_until(
        [&] {
            return sum(workers, &ConnectWorker::connected) + sum(workers, &ConnectWorker::failed) >=
                   o.clients;
        },
        deadline);
    const auto t1 = Clock::now();
    const auto connected = sum(workers, &ConnectWorker::connected);
    const auto failed_connecting = sum(workers, &ConnectWorker::failed);
    if (o.broker_pid) b1 = sample_process(*o.broker_pid);

    double idle_kb_per_conn = -1;
    if (hold_idle) {
        const auto period = std::chrono::seconds(std::max<int>(1, o.keep_alive_s / 2));
        for (std::size_t wi = 0; wi < pool.size(); ++wi)
            pool.post(wi, [&, wi, period] {
                workers[wi]->pinger = std::make_unique<asio::steady_timer>(pool.context(wi));
                workers[wi]->ping_every(period);
            });
        std::this_thread::sleep_for(std::chrono::duration<double>(o.duration_s));
        if (o.broker_pid) b2 = sample_process(*o.broker_pid);
        if (b0 && b2 && connected > 0)
            idle_kb_per_conn = (static_cast<double>(b2->rss_kb) - static_cast<double>(b0->rss_kb)) /
                               static_cast<double>(connected);
    }

    stopping = true;
    for (std::size_t wi = 0; wi < pool.size(); ++wi)
        pool.post(wi, [&, wi] {
            auto& w = *workers[wi];
            if (w.pinger) w.pinger->cancel();
            for (auto& c : w.clients) c->conn.close();
        });
    std::this_thread::sleep_for(50ms);
    pool.stop();

    LatencyHistogram latency;
    std::string first_failure;
    for (auto& w : workers) {
        latency.merge(w->latency);
        if (first_failure.empty()) first_failure = w->first_failure;
    }
    const auto total_failed = sum(workers, &ConnectWorker::failed);
    const double secs = std::chrono::duration<double>(t1 - t0).count();

    Report r;
    r.scenario = name;
    r.parameters = common_parameters(o);
    r.parameters["clients"] = o.clients;
    r.parameters["concurrency"] = o.concurrency;
    r.parameters["keep_alive_s"] = o.keep_alive_s;
    r.parameters["identity"] = o.identity_label;
    if (hold_idle) r.parameters["hold_s"] = o.duration_s;
    r.results["connected"] = connected;
    r.results["failed"] = failed_connecting;
    r.results["not_finished"] =
        o.clients - std::min<std::uint64_t>(o.clients, connected + failed_connecting);
    r.results["connect_phase_s"] = std::round(secs * 1000) / 1000;
    r.results["connects_per_s"] = secs > 0 ? std::round(static_cast<double>(connected) / secs) : 0;
    add_latency(r, latency, "connect_latency_us");
    add_broker(r, b0, b1, connected, "broker_cpu_us_per_connect");
    if (hold_idle) {
        r.results["dropped_while_idle"] = total_failed - failed_connecting;
        r.results["broker_rss_kb"] = b2 ? nlohmann::ordered_json(b2->rss_kb) : nullptr;
        r.results["broker_kb_per_connection"] =
            idle_kb_per_conn >= 0 ? nlohmann::ordered_json(round1(idle_kb_per_conn)) : nullptr;
    }
    if (total_failed > 0) r.notes.push_back("first failure: " + first_failure);
    print_report(r, o.json, std::cout);
    workers.clear();
    return 0;
}

}  // namespace ts::app::bench
