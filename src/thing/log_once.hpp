#pragma once
// Keys already logged, so that a device repeating the same unsupported
// request (every few seconds, as SDKs retry) is logged once, not per
// message. Bounded: past kMaxKeys new keys are no longer remembered (nor
// logged), so a device inventing topics cannot grow it without end.
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_set>

namespace ts::thing {

class LogOnce {
public:
    static constexpr std::size_t kMaxKeys = 10'000;

    // True the first time `key` is seen (the caller logs then).
    bool first(std::string key);
    // Forgets every key that starts with `prefix` (a deleted device).
    void forget_prefix(const std::string& prefix);

private:
    std::mutex mutex_;
    std::unordered_set<std::string> seen_;
};

}  // namespace ts::thing
