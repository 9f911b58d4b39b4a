// The runner's queue, retry, overflow and stop logic, with a scripted
// in-test target (the runner is what is under test here, not a target).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "rules/actions/action.hpp"

namespace ts::rules {
namespace {

using namespace std::chrono_literals;

// Answers from a script (default: success), records what it was sent, and
// can be held so that items pile up in the queue.
class ScriptedTarget : public Target {
public:
    struct State {
        std::mutex mu;
        std::condition_variable cv;
        std::deque<Expected<void, SendError>> script;
        std::vector<int> sent;  // row["n"] per attempt
        bool held = false;
        int entered = 0;  // send() calls begun
    };
    explicit ScriptedTarget(std::shared_ptr<State> s) : s_(std::move(s)) {}
    Expected<void, SendError> send(const ActionItem& item) override {
        std::unique_lock lock(s_->mu);
        ++s_->entered;
        s_->cv.notify_all();
        s_->cv.wait(lock, [&] { return !s_->held; });
        s_->sent.push_back(item.row["n"].get<int>());
        s_->cv.notify_all();
        if (s_->script.empty()) return {};
        auto r = std::move(s_->script.front());
        s_->script.pop_front();
        return r;
    }

private:
    std::shared_ptr<State> s_;
};

struct Failure {
    int n;
    std::string reason;
};

struct Fixture {
    std::shared_ptr<ScriptedTarget::State> state = std::make_shared<ScriptedTarget::State>();
    std::mutex mu;
    std::vector<Failure> failures;
    std::unique_ptr<ActionRunner> runner;

    // The system clock by default: most tests use backoffs of a few ms.
    explicit Fixture(ActionSpec spec, const Clock& clock = system_clock()) {
        runner = std::make_unique<ActionRunner>(
            std::move(spec), std::make_unique<ScriptedTarget>(state),
            [this](const ActionItem& item, const std::string& reason) {
                std::lock_guard lock(mu);
                failures.push_back({item.row["n"].get<int>(), reason});
            },
            clock);
    }
    // No drain: on a manual clock a drain would wait for time nobody moves
    // (a failed assertion returns before the test advances it).
    ~Fixture() { runner->stop(0); }
    static const Clock& system_clock() {
        static const SystemClock clock;
        return clock;
    }
    bool offer(int n) {
        ActionItem item;
        item.row = {{"n", n}};
        return runner->offer(std::move(item));
    }
    // Until the runner has taken a row and is inside send().
    void wait_in_send() {
        std::unique_lock lock(state->mu);
        state->cv.wait_for(lock, std::chrono::seconds(5), [&] { return state->entered > 0; });
    }
    void hold(bool on) {
        std::lock_guard lock(state->mu);
        state->held = on;
        state->cv.notify_all();
    }
    void script(Expected<void, SendError> r) {
        std::lock_guard lock(state->mu);
        state->script.push_back(std::move(r));
    }
    std::vector<int> sent() {
        std::lock_guard lock(state->mu);
        return state->sent;
    }
    // Waits until the target has seen `count` attempts.
    bool wait_sent(std::size_t count, std::chrono::milliseconds limit = 5s) {
        std::unique_lock lock(state->mu);
        return state->cv.wait_for(lock, limit, [&] { return state->sent.size() >= count; });
    }
    std::vector<Failure> failed() {
        std::lock_guard lock(mu);
        return failures;
    }
};

ActionSpec spec_with(int attempts, std::int64_t backoff, std::size_t limit = 100,
                     OverflowPolicy overflow = OverflowPolicy::DropNewest) {
    ActionSpec s;
    s.type = "test";
    s.retry = {attempts, backoff, backoff * 4};
    s.queue_limit = limit;
    s.overflow = overflow;
    return s;
}

Unexpected<SendError> retryable(std::string why) {
    return unexpected(SendError{std::move(why), true});
}

TEST(ActionRunner, SendsInOrder) {
    Fixture f(spec_with(3, 1));
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(f.offer(i));
    f.runner->stop(5000);
    std::vector<int> expected(50);
    for (int i = 0; i < 50; ++i) expected[static_cast<std::size_t>(i)] = i;
    EXPECT_EQ(f.sent(), expected);
    const auto j = f.runner->stats_json();
    EXPECT_EQ(j["type"], "test");
    EXPECT_EQ(j["passed"], 50);
    EXPECT_EQ(j["failed"], 0);
    EXPECT_EQ(j["queued"], 0);
    EXPECT_TRUE(j["latencyMs"].contains("avg"));
    EXPECT_TRUE(j["latencyMs"].contains("max"));
}

TEST(ActionRunner, RetriesTheSameItemThenSucceeds) {
    Fixture f(spec_with(5, 5));
    f.script(retryable("HTTP 500"));
    f.script(retryable("HTTP 503"));
    f.offer(1);
    f.offer(2);
    f.runner->stop(5000);
    EXPECT_EQ(f.sent(), (std::vector<int>{1, 1, 1, 2}));
    EXPECT_EQ(f.runner->stats().retries.load(), 2u);
    EXPECT_EQ(f.runner->stats().passed.load(), 2u);
    EXPECT_TRUE(f.failed().empty());
}

TEST(ActionRunner, GivesUpAfterMaxAttemptsWithTheLastReason) {
    Fixture f(spec_with(3, 1));
    for (int i = 0; i < 3; ++i) f.script(retryable("try " + std::to_string(i)));
    f.offer(7);
    f.offer(8);
    f.runner->stop(5000);
    EXPECT_EQ(f.sent(), (std::vector<int>{7, 7, 7, 8}));
    ASSERT_EQ(f.failed().size(), 1u);
    EXPECT_EQ(f.failed()[0].n, 7);
    EXPECT_EQ(f.failed()[0].reason, "try 2");
    EXPECT_EQ(f.runner->stats().failed.load(), 1u);
    EXPECT_EQ(f.runner->stats().retries.load(), 2u);
}

TEST(ActionRunner, NonRetryableGoesStraightToTheSink) {
    Fixture f(spec_with(5, 1));
    f.script(unexpected(SendError{"HTTP 404: no such hook", false}));
    f.offer(1);
    f.runner->stop(5000);
    EXPECT_EQ(f.sent(), (std::vector<int>{1}));
    ASSERT_EQ(f.failed().size(), 1u);
    EXPECT_EQ(f.failed()[0].reason, "HTTP 404: no such hook");
    EXPECT_EQ(f.runner->stats().retries.load(), 0u);
}

// A manual clock that counts its reads, so a test can tell that the runner
// has read the time a backoff starts from before the test moves it.
class CountingClock final : public Clock {
public:
    Millis now_ms() const override {
        reads_.fetch_add(1);
        return now_.load();
    }
    Millis wall_ms() const override { return 1'700'000'000'000 + now_ms(); }
    void advance(Millis ms) { now_ += ms; }
    std::uint64_t reads() const { return reads_.load(); }

private:
    std::atomic<Millis> now_{0};
    mutable std::atomic<std::uint64_t> reads_{0};
};

// Until the runner has counted retry number `retries` and read the clock
// twice after it (the backoff's deadline, then the first check of it):
// only then does moving the clock mean "time since the failure".
void wait_backoff_started(Fixture& f, const CountingClock& clock, std::uint64_t retries) {
    const auto guard = std::chrono::steady_clock::now() + 5s;  // against a hang only
    while (f.runner->stats().retries.load() < retries && std::chrono::steady_clock::now() < guard)
        std::this_thread::sleep_for(1ms);
    const auto seen = clock.reads();
    while (clock.reads() < seen + 2 && std::chrono::steady_clock::now() < guard)
        std::this_thread::sleep_for(1ms);
}

TEST(ActionRunner, BackoffDoublesAndIsCappedOnTheInjectedClock) {
    // 4 retries after 40, 80, 160, 160 ms (cap 160) of the runner's clock: a
    // clock that only the test moves, so no retry can come early (however
    // slow the machine) and none waits for real time.
    CountingClock clock;
    Fixture f(spec_with(5, 40), clock);
    for (int i = 0; i < 4; ++i) f.script(retryable("x"));
    f.offer(1);
    std::size_t attempts = 1;
    for (const Millis backoff : {40, 80, 160, 160}) {
        wait_backoff_started(f, clock, attempts);
        clock.advance(backoff - 1);
        // One ms short of the backoff: the runner keeps waiting.
        EXPECT_FALSE(f.wait_sent(attempts + 1, 30ms)) << "retry before " << backoff << " ms";
        clock.advance(1);
        ASSERT_TRUE(f.wait_sent(attempts + 1)) << "no retry after " << backoff << " ms";
        ++attempts;
    }
    EXPECT_EQ(f.sent(), (std::vector<int>{1, 1, 1, 1, 1}));
    EXPECT_EQ(f.runner->stats().retries.load(), 4u);
    f.runner->stop(5000);
    EXPECT_EQ(f.runner->stats().passed.load(), 1u);
}

TEST(ActionRunner, StopDrainsAgainstTheInjectedClock) {
    // A minute of backoff on a manual clock; stop(10 s) gives up once the
    // clock passes the drain deadline, not after real seconds.
    CountingClock clock;
    Fixture f(spec_with(10, 60'000), clock);
    f.script(retryable("down"));
    f.offer(1);
    wait_backoff_started(f, clock, 1);
    f.runner->request_stop(10'000);
    clock.advance(10'000);
    f.runner->stop();
    ASSERT_EQ(f.failed().size(), 1u);
    EXPECT_EQ(f.failed()[0].reason, "stopped");
    EXPECT_EQ(f.sent(), (std::vector<int>{1}));
}

TEST(ActionRunner, DropNewestRefusesWhenFull) {
    Fixture f(spec_with(1, 1, 2, OverflowPolicy::DropNewest));
    f.hold(true);
    f.offer(0);
    f.wait_in_send();  // item 0 is taken and held in send()
    EXPECT_TRUE(f.offer(1));
    EXPECT_TRUE(f.offer(2));
    EXPECT_FALSE(f.offer(3));
    EXPECT_EQ(f.runner->stats().dropped.load(), 1u);
    EXPECT_EQ(f.runner->stats().queued.load(), 3u);  // two waiting, one being sent
    ASSERT_EQ(f.failed().size(), 1u);
    EXPECT_EQ(f.failed()[0].n, 3);
    EXPECT_EQ(f.failed()[0].reason, "queue full");
    f.hold(false);
    f.runner->stop(5000);
    EXPECT_EQ(f.sent(), (std::vector<int>{0, 1, 2}));
}

TEST(ActionRunner, DropOldestEvictsTheHead) {
    Fixture f(spec_with(1, 1, 2, OverflowPolicy::DropOldest));
    f.hold(true);
    f.offer(0);
    f.wait_in_send();
    EXPECT_TRUE(f.offer(1));
    EXPECT_TRUE(f.offer(2));
    EXPECT_TRUE(f.offer(3));  // evicts 1
    ASSERT_EQ(f.failed().size(), 1u);
    EXPECT_EQ(f.failed()[0].n, 1);
    EXPECT_EQ(f.failed()[0].reason, "queue full");
    f.hold(false);
    f.runner->stop(5000);
    EXPECT_EQ(f.sent(), (std::vector<int>{0, 2, 3}));
    EXPECT_EQ(f.runner->stats().dropped.load(), 1u);
}

TEST(ActionRunner, StopInterruptsBackoffAndHandsBackTheRest) {
    Fixture f(spec_with(10, 60'000));  // a minute of backoff
    f.script(retryable("down"));
    f.offer(1);
    ASSERT_TRUE(f.wait_sent(1));
    f.offer(2);
    f.offer(3);
    const auto start = std::chrono::steady_clock::now();
    f.runner->stop(50);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2000ms);
    const auto failures = f.failed();
    ASSERT_EQ(failures.size(), 3u);
    for (const auto& x : failures) EXPECT_EQ(x.reason, "stopped");
    EXPECT_EQ(failures[0].n, 1);
    EXPECT_EQ(f.runner->stats().failed.load(), 3u);
    // Offers after stop are refused and handed back too.
    EXPECT_FALSE(f.offer(4));
    EXPECT_EQ(f.failed().size(), 4u);
}

TEST(ActionRunner, StopDrainsWithinTheDeadline) {
    Fixture f(spec_with(3, 1));
    f.hold(true);
    for (int i = 0; i < 5; ++i) f.offer(i);
    std::thread release([&] {
        std::this_thread::sleep_for(20ms);
        f.hold(false);
    });
    f.runner->stop(5000);
    release.join();
    EXPECT_EQ(f.sent().size(), 5u);
    EXPECT_TRUE(f.failed().empty());
}

TEST(ActionRunner, ExceptionsFromATargetAreFailuresNotCrashes) {
    class Throwing : public Target {
    public:
        Expected<void, SendError> send(const ActionItem&) override {
            throw std::runtime_error("boom");
        }
    };
    std::vector<std::string> reasons;
    ActionRunner r(
        spec_with(3, 1), std::make_unique<Throwing>(),
        [&](const ActionItem&, const std::string& why) { reasons.push_back(why); },
        Fixture::system_clock());
    ActionItem item;
    item.row = {{"n", 1}};
    r.offer(std::move(item));
    r.stop(5000);
    ASSERT_EQ(reasons.size(), 1u);
    EXPECT_EQ(reasons[0], "internal error: boom");
}

TEST(ActionRunner, CountsAddUpWhileARowIsBeingSent) {
    Fixture f(spec_with(1, 1, 2, OverflowPolicy::DropNewest));
    f.hold(true);
    for (int i = 0; i < 5; ++i) f.offer(i);
    f.wait_in_send();
    const auto& st = f.runner->stats();
    EXPECT_EQ(st.offered.load(),
              st.passed.load() + st.failed.load() + st.dropped.load() + st.queued.load());
    f.hold(false);
    f.runner->stop(5000);
    EXPECT_EQ(st.offered.load(), st.passed.load() + st.failed.load() + st.dropped.load());
    EXPECT_EQ(st.queued.load(), 0u);
}

TEST(ActionRunner, ByteBudgetBoundsTheQueueWhateverTheRowCount) {
    Fixture f(spec_with(1, 1, 100'000, OverflowPolicy::DropNewest));
    f.hold(true);
    const std::string big(1 << 20, 'x');  // 1 MiB payloads: the budget holds a few dozen
    int accepted = 0;
    for (int i = 0; i < 100; ++i) {
        ActionItem item;
        item.row = {{"n", i}};
        item.payload = big;
        accepted += f.runner->offer(std::move(item)) ? 1 : 0;
    }
    EXPECT_GT(accepted, 10);
    EXPECT_LT(accepted, 50);
    EXPECT_EQ(f.runner->stats().dropped.load(), static_cast<std::uint64_t>(100 - accepted));
    f.hold(false);
    f.runner->stop(5000);
}

}  // namespace
}  // namespace ts::rules
