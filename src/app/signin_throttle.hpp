#pragma once
// Slows down guessing of device secrets and API tokens without locking out
// the neighbours of a misconfigured device. Failures are counted per
// (address, claimed identity) - that pair is blocked after `fail_limit` -
// and per address only at the much higher `address_fail_limit`: one device
// with a wrong secret (Alibaba's C SDK retries every 2 s) must not block
// every device behind the same NAT. IPv6 addresses count per /64, the
// block a single host usually owns.
//
// Memory is bounded: past `max_entries` failure counters the least recently
// failing one is forgotten; blocks are kept apart from the counters, so a
// flood of failures from fresh addresses cannot push an active block out.
// Thread-safe; the clock is injected so that tests need not sleep.
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"

namespace ts::app {

struct ThrottleSettings {
    std::uint32_t fail_limit = 10;           // per (address, identity); 0: no throttling at all
    std::uint32_t address_fail_limit = 100;  // per address or IPv6 /64; 0: not per address
    std::uint32_t fail_window_s = 60;        // failures further apart than this start over
    std::uint32_t block_s = 60;              // 0: no throttling at all
    std::size_t max_entries = 100'000;       // failure counters kept, and blocks kept
};

class SignInThrottle {
public:
    enum class Block { None, Identity, Address };

    SignInThrottle(ThrottleSettings settings, const Clock& clock);

    // Whether a sign-in from `address` claiming `identity` is refused now.
    Block blocked(std::string_view address, std::string_view identity);
    // Counts a failed sign-in; returns the block it started, if any.
    Block record_failure(std::string_view address, std::string_view identity);

    // "1.2.3.4" stays as it is, an IPv6 address becomes its /64
    // ("2001:db8:0:1::/64"), an IPv4-mapped IPv6 address its IPv4 address.
    static std::string address_group(std::string_view address);

    std::size_t counters() const;
    std::size_t blocks() const;
    const ThrottleSettings& settings() const { return settings_; }

private:
    struct Entry {
        std::string key;
        std::uint32_t count = 0;
        Millis window_start = 0;
        Millis blocked_until = 0;
    };
    using List = std::list<Entry>;

    bool enabled() const { return settings_.fail_limit > 0 && settings_.block_s > 0; }
    static std::string identity_key(const std::string& group, std::string_view identity);
    bool is_blocked(const std::string& key, Millis now) const;
    bool count_failure(const std::string& key, std::uint32_t limit, Millis now);
    void forget_ended_blocks(Millis now);

    ThrottleSettings settings_;
    const Clock& clock_;
    mutable std::mutex mutex_;
    // Both lists own their entries; `index_` points into either. Counters
    // are in least-recently-failed order, blocks in the order they end
    // (every block lasts block_s).
    List counting_;
    List blocked_;
    std::unordered_map<std::string_view, List::iterator> index_;
};

}  // namespace ts::app
