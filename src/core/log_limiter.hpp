#pragma once
// Keeps a repeated log line from flooding the log. Per key (an address, a
// client), the first event of an interval is written and the others are
// only counted; the count goes into the key's next written line, or comes
// back from sweep() once the interval is over. Thread-safe; the clock is
// injected so that tests advance it instead of sleeping.
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"

namespace ts {

// `text` for a log line: at most `max_bytes` (cut on a UTF-8 character
// boundary, then "…"), control characters as '?', so that a client's
// identifiers can neither flood a line nor forge one.
std::string clip_for_log(std::string_view text, std::size_t max_bytes = 64);

class LogLimiter {
public:
    struct Settings {
        Millis interval_ms = 10'000;
        // Keys remembered at once; further new keys share the key kOthers
        // until sweep() forgets ended intervals, so that a spray of distinct
        // keys is summarised too and memory stays bounded.
        std::size_t max_keys = 10'000;
    };
    static constexpr std::string_view kOthers = "(others)";

    struct Verdict {
        bool write = false;            // write this event's line
        std::uint64_t suppressed = 0;  // this key's events not written since its last written line
        bool others = false;           // counted under kOthers: the key table was full
    };
    struct Summary {
        std::string key;  // kOthers for the shared key
        std::uint64_t suppressed = 0;
    };

    LogLimiter(const Clock& clock, Settings settings);

    Verdict admit(std::string_view key);
    // The keys whose interval is over, with the events that were not written,
    // to be logged as "N more ..."; those keys are forgotten. Does nothing
    // (and costs a clock read) until an interval has passed since the last
    // sweep, so it may be called on every event.
    std::vector<Summary> sweep();

    std::size_t keys() const;

private:
    struct Entry {
        Millis window_start = 0;
        std::uint64_t suppressed = 0;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    const Clock& clock_;
    Settings settings_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
    Millis next_sweep_ = 0;
};

}  // namespace ts
