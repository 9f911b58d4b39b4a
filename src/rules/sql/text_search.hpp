#pragma once
// Substring search in linear time (Knuth-Morris-Pratt): std::string::find
// compares the needle at every candidate position, which is |s|*|needle| for
// hostile inputs ("aaaa...b" in "aaaa..."). Used by LIKE, replace, strpos.
#include <cstddef>
#include <string_view>
#include <vector>

#include "rules/sql/step_budget.hpp"

namespace ts::rules::sql {

class TextSearch {
public:
    explicit TextSearch(std::string_view needle, StepBudget& budget);

    // Offset of the first occurrence in s at or after `from`; npos when none,
    // or when the budget ran out (check budget.exhausted()).
    std::size_t find(std::string_view s, std::size_t from) const;

private:
    std::string_view needle_;
    StepBudget& budget_;
    std::vector<std::size_t> border_;  // KMP failure function
};

// One-off search with its own budget (functions that have none to share).
std::size_t find_text(std::string_view s, std::string_view needle, std::size_t from = 0);

}  // namespace ts::rules::sql
