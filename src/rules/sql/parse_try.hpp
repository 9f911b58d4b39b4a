#pragma once
// Early return of an error from an Expected, for the parser's many steps.
// NOLINTBEGIN(cppcoreguidelines-macro-usage)
#define TS_SQL_CONCAT2(a, b) a##b
#define TS_SQL_CONCAT(a, b) TS_SQL_CONCAT2(a, b)
// TS_SQL_TRY(auto x, expr): x = *expr, or return its error.
#define TS_SQL_TRY(decl, expr) TS_SQL_TRY_IMPL(decl, expr, TS_SQL_CONCAT(try_, __LINE__))
#define TS_SQL_TRY_IMPL(decl, expr, tmp)            \
    auto tmp = (expr);                              \
    if (!tmp) return ::ts::unexpected(tmp.error()); \
    decl = std::move(*tmp)
// TS_SQL_CHECK(expr): for Expected<void, E>.
#define TS_SQL_CHECK(expr)                                                              \
    do {                                                                                \
        auto ts_sql_check_result = (expr);                                              \
        if (!ts_sql_check_result) return ::ts::unexpected(ts_sql_check_result.error()); \
    } while (false)
// NOLINTEND(cppcoreguidelines-macro-usage)
