// Arithmetic, comparison, logic and predicates, with SQL's NULL semantics.
#include "sql_test_support.hpp"

namespace ts::rules::sql_test {
namespace {

TEST(SqlOperators, Arithmetic) {
    check_all({
        {"1 + 2", "3"},
        {"7 - 10", "-3"},
        {"6 * 7", "42"},
        {"10 / 2", "5"},
        {"7 / 2", "3.5"},
        {"7 % 3", "1"},
        {"-7 % 3", "-1"},
        {"7.5 % 2", "1.5"},
        {"1.5 + 1", "2.5"},
        {"2 + 3 * 4", "14"},
        {"(2 + 3) * 4", "20"},
        {"-(2 + 3)", "-5"},
        {"- -4", "4"},
        {"+4", "4"},
        {"1 / 0", "null"},
        {"1 % 0", "null"},
        {"1.0 / 0", "null"},
        {"9223372036854775807 + 1", "9.223372036854776e+18"},
        {"-9223372036854775807 - 10", "-9.223372036854776e+18"},
        {"4611686018427387904 * 4", "1.8446744073709552e+19"},
        {"1e308 * 10", "null"},
        {"null + 1", "null"},
        {"missing * 2", "null"},
    });
}

TEST(SqlOperators, ArithmeticOnNonNumbersIsARuntimeError) {
    EXPECT_EQ(eval("s + 1", R"({"s":"5"})"),
              "error: line 1, column 8: operator + needs numbers, found a string");
    EXPECT_EQ(eval("-b", R"({"b":true})"),
              "error: line 1, column 8: operator - needs a number, found a boolean");
    EXPECT_EQ(eval("o * 2", R"({"o":{}})"),
              "error: line 1, column 8: operator * needs numbers, found an object");
}

TEST(SqlOperators, Comparison) {
    check_all(
        {
            {"1 = 1", "true"},         {"1 == 1", "true"},
            {"1 != 2", "true"},        {"1 <> 1", "false"},
            {"1 < 2", "true"},         {"2 <= 2", "true"},
            {"3 > 2.5", "true"},       {"2 >= 3", "false"},
            {"1 = 1.0", "true"},       {"9007199254740993 = 9007199254740992.0", "false"},
            {"'abc' < 'abd'", "true"}, {"'a' = 'a'", "true"},
            {"38 = '38'", "true"},     {"'38.5' > 38", "true"},
            {"5 = 'five'", "false"},   {"5 != 'five'", "true"},
            {"5 < 'five'", "null"},    {"true = 1", "true"},
            {"true = true", "true"},   {"false < true", "true"},
            {"null = null", "null"},   {"1 = null", "null"},
            {"missing != 1", "null"},  {"o = o", "true"},
            {"o < o", "null"},
        },
        R"({"o":{"a":[1,2]}})");
}

TEST(SqlOperators, ThreeValuedLogic) {
    check_all({
        {"true AND true", "true"},
        {"true AND false", "false"},
        {"true AND null", "null"},
        {"false AND null", "false"},
        {"null AND false", "false"},
        {"true OR null", "true"},
        {"null OR true", "true"},
        {"false OR null", "null"},
        {"false OR false", "false"},
        {"NOT true", "false"},
        {"NOT null", "null"},
        {"NOT NOT false", "false"},
        {"1 < 2 AND 2 < 3 OR false", "true"},
        {"false AND false OR true", "true"},
        {"NOT 1 = 2", "true"},
    });
}

TEST(SqlOperators, LogicNeedsBooleans) {
    EXPECT_EQ(eval("n AND true", R"({"n":1})"),
              "error: line 1, column 8: AND needs a boolean, found a number");
    EXPECT_EQ(eval("NOT s", R"({"s":"x"})"),
              "error: line 1, column 12: NOT needs a boolean, found a string");
    // Short circuit: the right side is not evaluated.
    EXPECT_EQ(eval("false AND n", R"({"n":1})"), "false");
}

TEST(SqlOperators, IsNull) {
    check_all(
        {
            {"missing IS NULL", "true"},
            {"a IS NULL", "false"},
            {"a IS NOT NULL", "true"},
            {"n IS NULL", "true"},
            {"a.b.c IS NULL", "true"},
        },
        R"({"a":1,"n":null})");
}

TEST(SqlOperators, In) {
    check_all(
        {
            {"2 IN (1, 2, 3)", "true"},
            {"4 IN (1, 2, 3)", "false"},
            {"4 NOT IN (1, 2, 3)", "true"},
            {"2 NOT IN (1, 2)", "false"},
            {"'b' IN ('a', 'b')", "true"},
            {"'2' IN (1, 2)", "true"},
            {"4 IN (1, null)", "null"},
            {"1 IN (1, null)", "true"},
            {"null IN (1)", "null"},
            {"4 NOT IN (1, null)", "null"},
            {"s IN ('on', 'off')", "true"},
        },
        R"({"s":"on"})");
}

TEST(SqlOperators, Like) {
    check_all({
        {"'hello' LIKE 'h%'", "true"},
        {"'hello' LIKE '%llo'", "true"},
        {"'hello' LIKE 'h_llo'", "true"},
        {"'hello' LIKE 'h_lo'", "false"},
        {"'hello' LIKE '%'", "true"},
        {"'' LIKE '%'", "true"},
        {"'' LIKE '_'", "false"},
        {"'hello' NOT LIKE 'x%'", "true"},
        {"'a%b' LIKE 'a\\%b'", "true"},
        {"'axb' LIKE 'a\\%b'", "false"},
        {"'héllo' LIKE 'h_llo'", "true"},
        {"'abcabcabd' LIKE '%abd'", "true"},
        {"'aaa' LIKE '%a%a%a%'", "true"},
        {"'aa' LIKE '%a%a%a%'", "false"},
        {"123 LIKE '12%'", "true"},
        {"null LIKE 'a'", "null"},
        {"'a' LIKE null", "null"},
        // Segments between %s: anchored first and last, leftmost between.
        {"'abc' LIKE 'abc'", "true"},
        {"'abcd' LIKE 'abc'", "false"},
        {"'abc' LIKE 'a%c'", "true"},
        {"'ac' LIKE 'a%c'", "true"},
        {"'abcb' LIKE 'a%b'", "true"},
        {"'abcbd' LIKE 'a%b'", "false"},
        {"'ab' LIKE 'a%%b'", "true"},
        {"'aXbYbZc' LIKE 'a%b%c'", "true"},
        {"'aXcYb' LIKE 'a%b%c'", "false"},
        {"'abab' LIKE '%ab%ab%'", "true"},
        {"'aab' LIKE '%ab'", "true"},
        {"'ab' LIKE '%ab%b'", "false"},
        {"'a' LIKE 'a%a'", "false"},
        {"'aba' LIKE 'a%a'", "true"},
        {"'aa' LIKE 'a%a'", "true"},
        {"'xyz' LIKE '___'", "true"},
        {"'xy' LIKE '___'", "false"},
        {"'xyz' LIKE '%_'", "true"},
        {"'xyz' LIKE '_%_'", "true"},
        {"'x' LIKE '_%_'", "false"},
        {"'abXcdYab' LIKE '%b_c%'", "true"},
        {"'abXcd' LIKE '%b_d%'", "false"},
        {"'aébc' LIKE 'a_b%'", "true"},
        {"'aébc' LIKE '%_bc'", "true"},
        {"'ééé' LIKE '%é_'", "true"},
        {"'ab' LIKE 'a\\_'", "false"},
        {"'a_' LIKE 'a\\_'", "true"},
        {"'a\\' LIKE 'a\\'", "true"},
        {"'a%' LIKE '%\\%'", "true"},
        {"'ab' LIKE '%\\%'", "false"},
    });
    EXPECT_EQ(eval("o LIKE 'a'", R"({"o":[1]})"),
              "error: line 1, column 10: LIKE needs strings, found an array");
}

TEST(SqlOperators, Between) {
    check_all({
        {"5 BETWEEN 1 AND 10", "true"},
        {"1 BETWEEN 1 AND 10", "true"},
        {"11 BETWEEN 1 AND 10", "false"},
        {"11 NOT BETWEEN 1 AND 10", "true"},
        {"null BETWEEN 1 AND 2", "null"},
        {"5 BETWEEN null AND 2", "false"},
        {"1 BETWEEN null AND 2", "null"},
    });
}

TEST(SqlOperators, Case) {
    const std::string payload = R"({"t":40,"mode":2})";
    check_all(
        {
            {"CASE WHEN t > 38 THEN 'hot' ELSE 'ok' END", "\"hot\""},
            {"CASE WHEN t > 50 THEN 'very hot' WHEN t > 38 THEN 'hot' END", "\"hot\""},
            {"CASE WHEN t > 50 THEN 'very hot' END", "null"},
            {"CASE WHEN missing > 1 THEN 1 ELSE 2 END", "2"},
            {"CASE mode WHEN 1 THEN 'eco' WHEN 2 THEN 'boost' ELSE 'off' END", "\"boost\""},
            {"CASE mode WHEN 7 THEN 'x' END", "null"},
            {"case when true then 1 end", "1"},
            {"CASE missing WHEN null THEN 'null matches' ELSE 'no' END", "\"no\""},
        },
        payload);
}

}  // namespace
}  // namespace ts::rules::sql_test
