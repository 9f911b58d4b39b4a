#pragma once
// Paced sending: one 1 ms timer per worker thread, not one per client. Each
// tick calls the worker's clients on the worker's own thread, until the run
// stops publishing.
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "app/bench/connection.hpp"
#include "app/bench/run_state.hpp"
#include "app/bench/workers.hpp"

namespace ts::app::bench {

template <typename Tick>
void tick_every_ms(boost::asio::steady_timer& timer, const Control& control, Tick tick) {
    timer.expires_after(std::chrono::milliseconds(1));
    timer.async_wait([&timer, &control, tick](const boost::system::error_code& ec) mutable {
        if (ec || control.stop_publishing.load(std::memory_order_relaxed)) return;
        tick(Clock::now());
        tick_every_ms(timer, control, std::move(tick));
    });
}

// Starts the ticker of workers[first..]: `tick_worker(worker, now)` paces
// that worker's clients. Worker must have a `ticker` member
// (std::unique_ptr<boost::asio::steady_timer>), created here on its thread.
template <typename Worker, typename TickWorker>
void start_tickers(WorkerPool& pool, std::vector<std::unique_ptr<Worker>>& workers,
                   std::size_t first, const Control& control, TickWorker tick_worker) {
    for (std::size_t wi = first; wi < pool.size(); ++wi)
        pool.post(wi, [&pool, &workers, &control, tick_worker, wi] {
            auto& w = *workers[wi];
            w.ticker = std::make_unique<boost::asio::steady_timer>(pool.context(wi));
            tick_every_ms(*w.ticker, control,
                          [&w, tick_worker](Clock::time_point now) { tick_worker(w, now); });
        });
}

}  // namespace ts::app::bench
