#pragma once
// s LIKE pattern: % any run, _ one character (code point), \ escapes the
// next character (a trailing \ is itself).
//
// The pattern is split on % into segments. The first segment must match at
// the start, the last one at the end, and each one between is found leftmost
// after the previous one: taking the leftmost match never loses a match, so
// there is no backtracking. A segment of plain text is found with a linear
// search (O(|s| + |segment|)); a segment with _ in it is tried position by
// position, which can cost |s| * |segment|, and is what the budget bounds.
#include <optional>
#include <string_view>

#include "rules/sql/step_budget.hpp"

namespace ts::rules::sql {

// nullopt when the budget ran out before the answer was known.
std::optional<bool> like(std::string_view s, std::string_view pattern, StepBudget& budget);

}  // namespace ts::rules::sql
