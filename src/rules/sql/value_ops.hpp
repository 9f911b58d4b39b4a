#pragma once
// The operators on values: arithmetic and comparison (LIKE is in like.hpp).
// SQL's three-valued logic is std::optional<bool>: nullopt is NULL (unknown).
#include <optional>
#include <string_view>

#include "rules/sql/ast.hpp"
#include "rules/sql/value.hpp"

namespace ts::rules::sql {

using Truth = std::optional<bool>;

json truth_json(Truth t);

// + - * / % on numbers. NULL in, NULL out; division by zero is NULL; a
// non-number is an error.
Result arithmetic(Op op, const json& a, const json& b);
Result negate(const json& a);

// = != < <= > >=. NULL on either side is NULL. Numbers compare exactly
// (int64 against double included); a number against a string that reads as
// a number, or against a boolean (true = 1), compares numerically. Other
// mixes are unequal, and have no order (NULL).
Truth compare(Op op, const json& a, const json& b);

}  // namespace ts::rules::sql
