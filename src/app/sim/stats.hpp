#pragma once
// The fleet's totals: written by the device threads, printed once a second
// by the command as a text line or a JSON line.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ts::app::sim {

struct Counters {
    std::atomic<std::uint64_t> posts{0};                         // property and event posts sent
    std::atomic<std::uint64_t> events{0};                        // of which event posts
    std::atomic<std::uint64_t> replies_ok{0}, replies_other{0};  // post replies by code
    std::atomic<std::uint64_t> sets{0};                          // property sets answered
    std::atomic<std::uint64_t> services{0};  // service calls answered (async, RRPC, get)
    std::atomic<std::uint64_t> errors{0};    // failed connects and lost connections
    std::atomic<std::int64_t> online{0};     // devices connected now
};

inline void bump(std::atomic<std::uint64_t>& c) {
    c.fetch_add(1, std::memory_order_relaxed);
}

struct Snapshot {
    double elapsed_s = 0;
    std::size_t devices = 0;
    std::int64_t online = 0;
    std::uint64_t posts = 0, events = 0, replies_ok = 0, replies_other = 0;
    std::uint64_t sets = 0, services = 0, errors = 0;
};

Snapshot snapshot(const Counters& c, std::size_t devices, double elapsed_s);

// "[   5s] online 3/3  posts 75 (events 4)  replies 200: 72, other: 0  sets 1  services 2
// errors 0", or with `json` one object:
// {"elapsedS","devices","online","posts","events","replies200","repliesOther","sets","services","errors"}.
std::string format_snapshot(const Snapshot& s, bool json);

}  // namespace ts::app::sim
