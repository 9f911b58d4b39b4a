#include "api/connection_limit.hpp"

#include "core/log.hpp"

namespace ts::api {
namespace {

constexpr std::chrono::seconds kLogInterval{10};

}  // namespace

std::optional<ConnectionLimit::Slot> ConnectionLimit::try_acquire() {
    std::size_t n = open_.load(std::memory_order_relaxed);
    do {
        if (n >= max_) {
            note_refused();
            return std::nullopt;
        }
    } while (!open_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
    return Slot(&open_);
}

void ConnectionLimit::note_refused() {
    const std::uint64_t total = refused_.fetch_add(1, std::memory_order_relaxed) + 1;
    std::lock_guard lock(log_mutex_);
    auto now = std::chrono::steady_clock::now();
    if (last_log_ && now - *last_log_ < kLogInterval) return;
    log::get("api")->warn(
        "http connections at the limit max_connections={} refused={} refused_total={}", max_,
        total - refused_at_last_log_, total);
    last_log_ = now;
    refused_at_last_log_ = total;
}

}  // namespace ts::api
