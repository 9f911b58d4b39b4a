#include "core/log_limiter.hpp"

namespace ts {

std::string clip_for_log(std::string_view text, std::size_t max_bytes) {
    const bool cut = text.size() > max_bytes;
    if (cut) {
        std::size_t end = max_bytes;
        // Back off continuation bytes (10xxxxxx) to the start of a character.
        while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
        text = text.substr(0, end);
    }
    std::string out;
    out.reserve(text.size() + 3);
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7F ? '?' : c);
    }
    if (cut) out += "\u2026";
    return out;
}

LogLimiter::LogLimiter(const Clock& clock, Settings settings)
    : clock_(clock), settings_(settings), next_sweep_(clock.now_ms() + settings.interval_ms) {}

LogLimiter::Verdict LogLimiter::admit(std::string_view key) {
    const Millis now = clock_.now_ms();
    std::lock_guard lock(mutex_);
    Verdict v;
    auto it = entries_.find(key);
    if (it == entries_.end()) {
        if (entries_.size() >= settings_.max_keys) {
            v.others = true;
            it = entries_.find(kOthers);
        }
        if (it == entries_.end()) {
            // The shared key may take the table one over max_keys.
            entries_.emplace(v.others ? kOthers : key, Entry{now, 0});
            v.write = true;
            return v;
        }
    }
    Entry& e = it->second;
    if (now - e.window_start >= settings_.interval_ms) {
        v.write = true;
        v.suppressed = e.suppressed;
        e = Entry{now, 0};
    } else {
        ++e.suppressed;
    }
    return v;
}

std::vector<LogLimiter::Summary> LogLimiter::sweep() {
    const Millis now = clock_.now_ms();
    std::vector<Summary> out;
    std::lock_guard lock(mutex_);
    if (now < next_sweep_) return out;
    next_sweep_ = now + settings_.interval_ms;
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (now - it->second.window_start < settings_.interval_ms) {
            ++it;
            continue;
        }
        if (it->second.suppressed > 0) out.push_back({it->first, it->second.suppressed});
        it = entries_.erase(it);
    }
    return out;
}

std::size_t LogLimiter::keys() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace ts
