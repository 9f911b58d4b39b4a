#include "thing/log_once.hpp"

namespace ts::thing {

bool LogOnce::first(std::string key) {
    std::lock_guard lock(mutex_);
    if (seen_.size() >= kMaxKeys) return false;
    return seen_.insert(std::move(key)).second;
}

void LogOnce::forget_prefix(const std::string& prefix) {
    std::lock_guard lock(mutex_);
    std::erase_if(seen_, [&](const std::string& k) { return k.starts_with(prefix); });
}

}  // namespace ts::thing
