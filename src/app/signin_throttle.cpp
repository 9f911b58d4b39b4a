#include "app/signin_throttle.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>

namespace ts::app {

SignInThrottle::SignInThrottle(ThrottleSettings settings, const Clock& clock)
    : settings_(settings), clock_(clock) {}

std::string SignInThrottle::address_group(std::string_view address) {
    // A scope ("fe80::1%eth0") is not part of the address.
    std::string text(address.substr(0, address.find('%')));
    unsigned char b[16];
    if (inet_pton(AF_INET6, text.c_str(), b) != 1) return text;
    static constexpr unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(b, b + 12, v4_mapped))
        return fmt::format("{}.{}.{}.{}", int{b[12]}, int{b[13]}, int{b[14]}, int{b[15]});
    auto word = [&b](int i) { return (b[2 * i] << 8) | b[2 * i + 1]; };
    return fmt::format("{:x}:{:x}:{:x}:{:x}::/64", word(0), word(1), word(2), word(3));
}

std::string SignInThrottle::identity_key(const std::string& group, std::string_view identity) {
    // A hash keeps the key short whatever a client claims; a collision only
    // joins two identities' counts from the same address.
    return fmt::format("i {} {:x}", group, std::hash<std::string_view>{}(identity));
}

SignInThrottle::Block SignInThrottle::blocked(std::string_view address, std::string_view identity) {
    if (!enabled()) return Block::None;
    const Millis now = clock_.now_ms();
    const std::string group = address_group(address);
    std::lock_guard lock(mutex_);
    forget_ended_blocks(now);
    if (is_blocked("a " + group, now)) return Block::Address;
    if (is_blocked(identity_key(group, identity), now)) return Block::Identity;
    return Block::None;
}

SignInThrottle::Block SignInThrottle::record_failure(std::string_view address,
                                                     std::string_view identity) {
    if (!enabled()) return Block::None;
    const Millis now = clock_.now_ms();
    const std::string group = address_group(address);
    std::lock_guard lock(mutex_);
    forget_ended_blocks(now);
    Block started = Block::None;
    if (count_failure(identity_key(group, identity), settings_.fail_limit, now))
        started = Block::Identity;
    if (settings_.address_fail_limit > 0 &&
        count_failure("a " + group, settings_.address_fail_limit, now))
        started = Block::Address;
    return started;
}

bool SignInThrottle::is_blocked(const std::string& key, Millis now) const {
    auto it = index_.find(key);
    return it != index_.end() && it->second->blocked_until > now;
}

bool SignInThrottle::count_failure(const std::string& key, std::uint32_t limit, Millis now) {
    auto found = index_.find(key);
    List::iterator e;
    if (found == index_.end()) {
        if (counting_.size() >= settings_.max_entries && !counting_.empty()) {
            index_.erase(counting_.front().key);
            counting_.pop_front();
        }
        e = counting_.insert(counting_.end(), Entry{key, 0, now, 0});
        index_.emplace(e->key, e);
    } else {
        e = found->second;
        if (e->blocked_until > now) return false;  // already blocked
        if (now - e->window_start >= Millis{settings_.fail_window_s} * 1000) {
            e->count = 0;
            e->window_start = now;
        }
        counting_.splice(counting_.end(), counting_, e);  // most recently failed last
    }
    if (++e->count < limit) return false;
    e->blocked_until = now + Millis{settings_.block_s} * 1000;
    blocked_.splice(blocked_.end(), counting_, e);
    if (blocked_.size() > settings_.max_entries) {
        // More simultaneous blocks than the table holds: the one that would
        // end first goes.
        index_.erase(blocked_.front().key);
        blocked_.pop_front();
    }
    return true;
}

void SignInThrottle::forget_ended_blocks(Millis now) {
    while (!blocked_.empty() && blocked_.front().blocked_until <= now) {
        index_.erase(blocked_.front().key);
        blocked_.pop_front();
    }
}

std::size_t SignInThrottle::counters() const {
    std::lock_guard lock(mutex_);
    return counting_.size();
}

std::size_t SignInThrottle::blocks() const {
    std::lock_guard lock(mutex_);
    return blocked_.size();
}

}  // namespace ts::app
