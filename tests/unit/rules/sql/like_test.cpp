// LIKE: the segment matcher agrees with the reference matcher (the earlier
// backtracking one) on every small case, and its work on hostile inputs is
// bounded: linear for plain text, and a clear row error past the budget.
#include "rules/sql/like.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rules/sql/utf8.hpp"
#include "sql_test_support.hpp"

namespace ts::rules::sql {
namespace {

// The reference: one backtrack point (the last %), O(|s|*|p|).
bool reference_like(std::string_view s, std::string_view p) {
    std::size_t si = 0, pi = 0;
    std::size_t star_p = std::string_view::npos, star_s = 0;
    auto char_len = [](std::string_view t, std::size_t i) {
        return std::min(utf8_sequence_length(static_cast<unsigned char>(t[i])), t.size() - i);
    };
    while (si < s.size()) {
        if (pi < p.size() && p[pi] == '%') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < p.size() && p[pi] == '_') {
            si += char_len(s, si);
            ++pi;
            continue;
        }
        if (pi < p.size()) {
            std::size_t lit = pi;
            if (p[lit] == '\\' && lit + 1 < p.size()) ++lit;
            const std::size_t len = char_len(p, lit);
            if (s.compare(si, len, p.substr(lit, len)) == 0) {
                si += len;
                pi = lit + len;
                continue;
            }
        }
        if (star_p == std::string_view::npos) return false;
        star_s += char_len(s, star_s);
        si = star_s;
        pi = star_p;
    }
    while (pi < p.size() && p[pi] == '%') ++pi;
    return pi == p.size();
}

// Every string of up to `max_len` symbols from `alphabet`.
std::vector<std::string> all_strings(const std::vector<std::string>& alphabet,
                                     std::size_t max_len) {
    std::vector<std::string> out{""};
    std::vector<std::string> level{""};
    for (std::size_t len = 1; len <= max_len; ++len) {
        std::vector<std::string> next;
        for (const auto& prefix : level)
            for (const auto& a : alphabet) next.push_back(prefix + a);
        out.insert(out.end(), next.begin(), next.end());
        level = std::move(next);
    }
    return out;
}

TEST(SqlLike, AgreesWithTheReferenceMatcher) {
    const auto subjects = all_strings({"a", "b", "\xC3\xA9", "%"}, 4);
    const auto patterns = all_strings({"a", "\xC3\xA9", "%", "_", "\\"}, 4);
    std::size_t checked = 0;
    for (const auto& p : patterns) {
        for (const auto& s : subjects) {
            StepBudget budget;
            const auto got = like(s, p, budget);
            ASSERT_TRUE(got.has_value());
            ASSERT_EQ(*got, reference_like(s, p)) << "'" << s << "' LIKE '" << p << "'";
            ++checked;
        }
    }
    EXPECT_EQ(checked, 341u * 781u);
}

// The probe's case, scaled down: a long value and a long pattern that
// almost matches everywhere. Backtracking costs |s|*|p| (here 2*10^8); the
// segment matcher must stay linear.
TEST(SqlLike, PlainTextSegmentsCostLinearWork) {
    const std::string s(100'000, 'a');
    const std::string p = "%" + std::string(1999, 'a') + "b%";
    StepBudget budget(~std::uint64_t{0});
    const auto got = like(s, p, budget);
    ASSERT_TRUE(got.has_value());
    EXPECT_FALSE(*got);
    EXPECT_LE(budget.used(), 4 * (s.size() + p.size()));

    StepBudget budget2(~std::uint64_t{0});
    EXPECT_EQ(like(s + "b", p, budget2), true);
    EXPECT_LE(budget2.used(), 4 * (s.size() + p.size()));

    // Many % segments: each one is found after the previous, never retried.
    std::string many = "%";
    for (int i = 0; i < 1000; ++i) many += "a%";
    many += "b";
    StepBudget budget3(~std::uint64_t{0});
    EXPECT_EQ(like(s, many, budget3), false);
    EXPECT_LE(budget3.used(), 4 * (s.size() + many.size()));
}

// _ inside a segment forces a position-by-position search; the budget stops
// it, and the row fails with a clear error instead of running on.
TEST(SqlLike, WildcardSegmentsStopAtTheBudget) {
    const std::string s(100'000, 'a');
    std::string p = "%";
    for (int i = 0; i < 1000; ++i) p += "a_";
    p += "b%";
    StepBudget budget;
    EXPECT_EQ(like(s, p, budget), std::nullopt);
    EXPECT_TRUE(budget.exhausted());
    EXPECT_LE(budget.used(), kEvalStepBudget + 3 * p.size());

    const std::string payload = nlohmann::json{{"s", s}, {"p", p}}.dump();
    EXPECT_EQ(sql_test::run("SELECT s LIKE p AS r FROM \"t\"", payload),
              "error: line 1, column 10: evaluation limit exceeded");
    // A short value under the same pattern is answered normally.
    EXPECT_EQ(sql_test::run("SELECT 'aab' LIKE p AS r FROM \"t\"", payload), R"({"r":false})");
}

TEST(SqlLike, ReplaceAndStrposSearchInLinearTime) {
    const std::string s(100'000, 'a');
    const std::string needle = std::string(1999, 'a') + "b";
    const std::string payload = nlohmann::json{{"s", s + "b"}, {"n", needle}}.dump();
    EXPECT_EQ(sql_test::eval("strpos(s, n)", payload), std::to_string(s.size() - 1999 + 1));
    EXPECT_EQ(sql_test::eval("length(replace(s, n, 'x'))", payload),
              std::to_string(s.size() - 1999 + 1));
}

}  // namespace
}  // namespace ts::rules::sql
