#include "rules/sql/text_search.hpp"

#include <string>

namespace ts::rules::sql {

TextSearch::TextSearch(std::string_view needle, StepBudget& budget)
    : needle_(needle), budget_(budget) {
    border_.assign(needle.size() + 1, 0);
    std::size_t k = 0;
    for (std::size_t i = 1; i < needle.size(); ++i) {
        while (k > 0 && needle[i] != needle[k]) k = border_[k];
        if (needle[i] == needle[k]) ++k;
        border_[i + 1] = k;
    }
    budget_.spend(needle.size());
}

std::size_t TextSearch::find(std::string_view s, std::size_t from) const {
    if (needle_.empty()) return from <= s.size() ? from : std::string_view::npos;
    // Each step moves i forward or shrinks k, and k grows at most once per
    // i: at most 2*|s| comparisons.
    std::size_t k = 0;
    std::uint64_t steps = 0;
    for (std::size_t i = from; i < s.size(); ++i) {
        while (k > 0 && s[i] != needle_[k]) {
            k = border_[k];
            ++steps;
        }
        ++steps;
        if (s[i] == needle_[k]) ++k;
        if (k == needle_.size()) {
            budget_.spend(steps);
            return budget_.exhausted() ? std::string_view::npos : i + 1 - k;
        }
        if (steps >= 4096) {
            if (!budget_.spend(steps)) return std::string_view::npos;
            steps = 0;
        }
    }
    budget_.spend(steps);
    return std::string_view::npos;
}

std::size_t find_text(std::string_view s, std::string_view needle, std::size_t from) {
    StepBudget unlimited(~std::uint64_t{0});
    return TextSearch(needle, unlimited).find(s, from);
}

}  // namespace ts::rules::sql
