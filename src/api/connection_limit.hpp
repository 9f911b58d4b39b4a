#pragma once
// The cap on a server's open HTTP connections. Each connection holds a Slot
// for its whole life; a connection beyond the cap gets none and is refused at
// once, so a flood of idle or slow connections cannot take every file
// descriptor and the memory behind them. Refusals are counted and logged at
// most once per interval, so the flood does not also flood the log.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>

namespace ts::api {

class ConnectionLimit {
public:
    explicit ConnectionLimit(std::size_t max) : max_(max) {}
    ConnectionLimit(const ConnectionLimit&) = delete;
    ConnectionLimit& operator=(const ConnectionLimit&) = delete;

    // Frees its place when destroyed. Must not outlive the ConnectionLimit.
    class Slot {
    public:
        Slot(Slot&& other) noexcept : open_(other.open_) { other.open_ = nullptr; }
        Slot& operator=(Slot&&) = delete;
        Slot(const Slot&) = delete;
        ~Slot() {
            if (open_) open_->fetch_sub(1, std::memory_order_relaxed);
        }

    private:
        friend class ConnectionLimit;
        explicit Slot(std::atomic<std::size_t>* open) : open_(open) {}
        std::atomic<std::size_t>* open_;
    };

    // A place for a new connection; nullopt when `max` are open (counted as
    // a refusal and logged, rate-limited).
    std::optional<Slot> try_acquire();

    std::size_t open() const { return open_.load(std::memory_order_relaxed); }
    std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

private:
    void note_refused();

    const std::size_t max_;
    std::atomic<std::size_t> open_{0};
    std::atomic<std::uint64_t> refused_{0};
    std::mutex log_mutex_;
    std::optional<std::chrono::steady_clock::time_point> last_log_;
    std::uint64_t refused_at_last_log_ = 0;
};

}  // namespace ts::api
