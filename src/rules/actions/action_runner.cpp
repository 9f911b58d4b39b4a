// One thread per action: the engine offers rows from broker threads (never
// waiting beyond a short lock), this thread sends them in order, retrying a
// row with exponential backoff before it moves on. Ordering is kept because
// a target such as a time-series table or a device command topic expects
// the rows in the order the messages came.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/log.hpp"
#include "core/thread_name.hpp"
#include "rules/actions/action.hpp"

namespace ts::rules {

namespace {

// Waits on the condition variable last at most this long before the clock
// is read again: the clock may be a test's manual one, which no condition
// variable can wait on. Only backoffs and the drain wait this way.
constexpr Millis kWaitSliceMs = 20;

std::chrono::milliseconds slice_until(const Clock& clock, Millis until) {
    return std::chrono::milliseconds(std::clamp<Millis>(until - clock.now_ms(), 1, kWaitSliceMs));
}

// initial, 2*initial, 4*initial ... capped; `retry` counts from 1.
std::int64_t backoff_ms(const RetryPolicy& p, int retry) {
    std::int64_t d = p.initial_backoff_ms;
    for (int i = 1; i < retry && d < p.max_backoff_ms; ++i) d *= 2;
    return std::min(d, p.max_backoff_ms);
}

// Rows are held in memory while a target is slow or down; besides the row
// count (queueLimit) a byte budget bounds what one action may hold, whatever
// the payload sizes. The estimate counts the payload twice (as received and
// as the parsed row) plus the fixed fields.
constexpr std::size_t kQueueBytesLimit = std::size_t{64} << 20;

std::size_t approx_bytes(const ActionItem& item) {
    return 2 * item.payload.size() + item.topic.size() + 256;
}

const std::shared_ptr<spdlog::logger>& rules_log() {
    static const auto logger = log::get("rules");
    return logger;
}

void raise_max(std::atomic<std::uint64_t>& max, std::uint64_t v) {
    auto cur = max.load(std::memory_order_relaxed);
    while (v > cur && !max.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
    }
}

}  // namespace

struct ActionRunner::Impl {
    ActionSpec spec;
    std::unique_ptr<Target> target;
    FailureSink on_failure;
    ActionStats stats;

    std::mutex mu;
    std::condition_variable cv;
    std::deque<ActionItem> queue;  // guarded by mu
    std::size_t queue_bytes = 0;   // guarded by mu: approx_bytes of the queue
    bool in_flight = false;        // guarded by mu: a row is being sent
    bool stopping = false;         // guarded by mu
    Millis drain_deadline = 0;     // guarded by mu; valid once stopping
    const Clock& clock;
    std::thread thread;
    std::once_flag joined;

    Impl(ActionSpec s, std::unique_ptr<Target> t, FailureSink sink, const Clock& c)
        : spec(std::move(s)), target(std::move(t)), on_failure(std::move(sink)), clock(c) {}

    // The sink runs on a broker thread for "queue full": nothing it throws
    // may escape into the broker (or end a runner thread).
    void hand_over(const ActionItem& item, const std::string& reason) {
        if (!on_failure) return;
        try {
            on_failure(item, reason);
        } catch (const std::exception& e) {
            rules_log()->error("action={} failure sink threw: {}", spec.type, e.what());
        }
    }

    void fail(const ActionItem& item, const std::string& reason) {
        stats.failed.fetch_add(1, std::memory_order_relaxed);
        if (rules_log()->should_log(spdlog::level::debug))
            rules_log()->debug("action={} gave up on a row: {}", spec.type, reason);
        hand_over(item, reason);
    }

    // queued = rows waiting + the one being sent, so that offered = passed +
    // failed + dropped + queued holds at every moment.
    void publish_queued_locked() {
        stats.queued.store(queue.size() + (in_flight ? 1 : 0), std::memory_order_relaxed);
    }

    ActionItem pop_locked() {
        ActionItem item = std::move(queue.front());
        queue.pop_front();
        queue_bytes -= std::min(queue_bytes, approx_bytes(item));
        return item;
    }

    Expected<void, SendError> try_send(const ActionItem& item) {
        // A target bug must not take the runner thread (and the process) down.
        try {
            return target->send(item);
        } catch (const std::exception& e) {
            return unexpected(SendError{std::string("internal error: ") + e.what(), false});
        }
    }

    // Sleeps the backoff; stop() wakes it early. False when the drain time
    // is over (the row is then handed back as "stopped").
    bool wait_backoff(std::int64_t ms) {
        std::unique_lock lock(mu);
        const Millis until = clock.now_ms() + ms;
        while (!stopping && clock.now_ms() < until) cv.wait_for(lock, slice_until(clock, until));
        if (!stopping) return true;
        // Stopping: keep to the backoff if the drain time allows it.
        const Millis end = std::min(until, drain_deadline);
        while (clock.now_ms() < end) cv.wait_for(lock, slice_until(clock, end));
        return clock.now_ms() < drain_deadline;
    }

    void deliver(ActionItem& item) {
        for (;;) {
            ++item.attempts;
            auto sent = try_send(item);
            if (sent) {
                stats.passed.fetch_add(1, std::memory_order_relaxed);
                const auto latency = static_cast<std::uint64_t>(
                    std::max<std::int64_t>(0, clock.now_ms() - item.enqueued_ms));
                stats.latency_sum_ms.fetch_add(latency, std::memory_order_relaxed);
                raise_max(stats.latency_max_ms, latency);
                return;
            }
            const auto& err = sent.error();
            if (!err.retryable || item.attempts >= spec.retry.max_attempts) {
                fail(item, err.reason);
                return;
            }
            stats.retries.fetch_add(1, std::memory_order_relaxed);
            if (rules_log()->should_log(spdlog::level::debug))
                rules_log()->debug("action={} attempt={} failed, retrying: {}", spec.type,
                                   item.attempts, err.reason);
            if (!wait_backoff(backoff_ms(spec.retry, item.attempts))) {
                fail(item, "stopped");
                return;
            }
        }
    }

    void loop() {
        for (;;) {
            ActionItem item;
            {
                std::unique_lock lock(mu);
                cv.wait(lock, [&] { return stopping || !queue.empty(); });
                if (queue.empty() || (stopping && clock.now_ms() >= drain_deadline)) break;
                item = pop_locked();
                in_flight = true;
                publish_queued_locked();
            }
            deliver(item);
            std::lock_guard lock(mu);
            in_flight = false;
            publish_queued_locked();
        }
        std::deque<ActionItem> rest;
        {
            std::lock_guard lock(mu);
            rest.swap(queue);
            queue_bytes = 0;
        }
        for (std::size_t i = 0; i < rest.size(); ++i) {
            stats.queued.store(rest.size() - i - 1, std::memory_order_relaxed);
            fail(rest[i], "stopped");
        }
    }
};

ActionRunner::ActionRunner(ActionSpec spec, std::unique_ptr<Target> target, FailureSink on_failure,
                           const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(spec), std::move(target), std::move(on_failure),
                                   clock)) {
    impl_->thread = std::thread([impl = impl_.get()] {
        name_this_thread("ts-rule-actions");
        impl->loop();
    });
}

ActionRunner::~ActionRunner() {
    stop();
}

bool ActionRunner::offer(ActionItem item) {
    auto& s = *impl_;
    s.stats.offered.fetch_add(1, std::memory_order_relaxed);
    if (item.enqueued_ms == 0) item.enqueued_ms = s.clock.now_ms();
    std::vector<ActionItem> refused;
    bool accepted = true;
    bool stopped = false;
    const std::size_t bytes = approx_bytes(item);
    {
        std::lock_guard lock(s.mu);
        auto fits = [&] {
            return s.queue.size() < s.spec.queue_limit &&
                   (s.queue.empty() || s.queue_bytes + bytes <= kQueueBytesLimit);
        };
        if (s.stopping) {
            stopped = true;
            accepted = false;
            refused.push_back(std::move(item));
        } else if (fits()) {
            s.queue.push_back(std::move(item));
            s.queue_bytes += bytes;
        } else if (s.spec.overflow == OverflowPolicy::DropOldest) {
            while (!s.queue.empty() && !fits()) refused.push_back(s.pop_locked());
            s.queue.push_back(std::move(item));
            s.queue_bytes += bytes;
        } else {
            accepted = false;
            refused.push_back(std::move(item));
        }
        s.publish_queued_locked();
    }
    if (accepted) s.cv.notify_one();
    // On the offering thread, outside the lock: handing the row to the runner
    // thread would need a second queue that grows without bound while a send
    // blocks. The sink (normally the error action's offer()) never blocks.
    for (const auto& r : refused) {
        if (stopped) {
            s.fail(r, "stopped");
        } else {
            s.stats.dropped.fetch_add(1, std::memory_order_relaxed);
            s.hand_over(r, "queue full");
        }
    }
    return accepted;
}

void ActionRunner::request_stop(std::int64_t drain_ms) {
    auto& s = *impl_;
    {
        std::lock_guard lock(s.mu);
        if (!s.stopping) {
            s.stopping = true;
            s.drain_deadline = s.clock.now_ms() + std::max<std::int64_t>(0, drain_ms);
        }
    }
    s.cv.notify_all();
}

void ActionRunner::stop(std::int64_t drain_ms) {
    request_stop(drain_ms);
    auto& s = *impl_;
    std::call_once(s.joined, [&] {
        if (s.thread.joinable()) s.thread.join();
    });
}

const ActionSpec& ActionRunner::spec() const {
    return impl_->spec;
}

const ActionStats& ActionRunner::stats() const {
    return impl_->stats;
}

nlohmann::json ActionRunner::stats_json() const {
    const auto& st = impl_->stats;
    const auto passed = st.passed.load(std::memory_order_relaxed);
    const auto sum = st.latency_sum_ms.load(std::memory_order_relaxed);
    return {
        {"type", impl_->spec.type},
        {"offered", st.offered.load(std::memory_order_relaxed)},
        {"passed", passed},
        {"failed", st.failed.load(std::memory_order_relaxed)},
        {"dropped", st.dropped.load(std::memory_order_relaxed)},
        {"retries", st.retries.load(std::memory_order_relaxed)},
        {"queued", st.queued.load(std::memory_order_relaxed)},
        {"latencyMs",
         {{"avg", passed == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(passed)},
          {"max", st.latency_max_ms.load(std::memory_order_relaxed)}}},
    };
}

}  // namespace ts::rules
