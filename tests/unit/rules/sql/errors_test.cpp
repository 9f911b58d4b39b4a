// Compile errors: the message and the exact line and column.
#include "sql_test_support.hpp"

namespace ts::rules::sql_test {
namespace {

TEST(SqlErrors, Syntax) {
    const std::pair<const char*, const char*> cases[] = {
        {R"(SELECT a WHERE a > 1)", "line 1, column 10: expected FROM, found WHERE"},
        {R"(SELECT a FROM "t" WHERE)",
         "line 1, column 24: expected an expression, found end of input"},
        {R"(SELECT FROM "t")", "line 1, column 8: expected an expression, found FROM"},
        {R"(SELECT 'abc FROM "t")", "line 1, column 8: unterminated string"},
        {R"(SELECT a FROM "t)", "line 1, column 15: unterminated topic filter"},
        {R"(SELECT `a FROM "t")", "line 1, column 8: unterminated quoted name"},
        {R"(SELECT a FROM t)",
         "line 1, column 15: expected a topic filter in double quotes, found 't'"},
        {R"(SELECT a FROM 't')",
         "line 1, column 15: expected a topic filter in double quotes, found ''t''"},
        {R"(UPDATE x)", "line 1, column 1: expected SELECT, found 'UPDATE'"},
        {"", "line 1, column 1: expected SELECT, found end of input"},
        {R"(SELECT a b FROM "t")", "line 1, column 10: expected FROM, found 'b'"},
        {R"(SELECT a FROM "t" WHERE a = 1 extra)",
         "line 1, column 31: expected end of statement, found 'extra'"},
        {R"(SELECT a FROM "t" LIMIT 1)",
         "line 1, column 19: expected WHERE or end of statement, found 'LIMIT'"},
        {R"(SELECT (a FROM "t")", "line 1, column 11: expected ')', found FROM"},
        {R"(SELECT a # b FROM "t")", "line 1, column 10: unexpected character '#'"},
        {R"(SELECT "a" FROM "t")",
         "line 1, column 8: double quotes are for the FROM topic filter: use 'single quotes' for a "
         "string or `backticks` for a name"},
        {R"(SELECT a. , b FROM "t")", "line 1, column 11: expected a name after '.', found ','"},
        // After a dot any word is a member name, keywords included (a.end).
        {R"(SELECT a. FROM "t")", "line 1, column 16: expected FROM, found '\"t\"'"},
        {R"(SELECT a[x] FROM "t")",
         "line 1, column 10: expected an index (0 or more) in [ ], found 'x'"},
        {R"(SELECT a NOT b FROM "t")",
         "line 1, column 14: expected IN, LIKE or BETWEEN after NOT, found 'b'"},
        {R"(SELECT a IS 1 AS x FROM "t")", "line 1, column 13: expected NULL, found '1'"},
        {R"(SELECT CASE a END AS x FROM "t")", "line 1, column 15: expected WHEN, found END"},
        {R"(SELECT CASE WHEN a THEN 1 AS x FROM "t")", "line 1, column 27: expected END, found AS"},
        {R"(SELECT cast(a AS blob) AS x FROM "t")",
         "line 1, column 18: expected a type (int, double, string or bool), found 'blob'"},
        {R"(SELECT a AS FROM "t")",
         "line 1, column 13: expected a column name after AS, found FROM"},
        {R"(SELECT *, * FROM "t")", "line 1, column 11: '*' twice"},
        {R"(SELECT 1e999 AS x FROM "t")", "line 1, column 8: number out of range"},
        {"SELECT a,\n  b +\n  FROM \"t\"", "line 3, column 3: expected an expression, found FROM"},
        {"SELECT 'it''s\n' AS s, \xff AS x FROM \"t\"", "line 2, column 9: invalid UTF-8"},
    };
    for (const auto& [sql, error] : cases) EXPECT_EQ(compile_error(sql), error) << sql;
}

TEST(SqlErrors, Functions) {
    EXPECT_EQ(compile_error(R"(SELECT nope(1) AS x FROM "t")"),
              "line 1, column 8: unknown function nope()");
    EXPECT_EQ(compile_error(R"(SELECT deviceName(1) AS x FROM "t")"),
              "line 1, column 8: deviceName() takes no arguments, found 1");
    EXPECT_EQ(compile_error(R"(SELECT x, upper() AS y FROM "t")"),
              "line 1, column 11: upper() takes 1 argument, found 0");
    EXPECT_EQ(compile_error(R"(SELECT substring('a') AS y FROM "t")"),
              "line 1, column 8: substring() takes 2 to 3 arguments, found 1");
    EXPECT_EQ(compile_error(R"(SELECT concat() AS y FROM "t")"),
              "line 1, column 8: concat() takes 1 or more arguments, found 0");
    EXPECT_EQ(compile_error(R"(SELECT topic(0) AS y FROM "t")"),
              "line 1, column 14: topic(n) needs a level number of 1 or more");
    EXPECT_EQ(compile_error(R"(SELECT payload('xml') AS y FROM "t")"),
              "line 1, column 16: payload() takes no argument or 'json'");
    EXPECT_EQ(compile_error(R"(SELECT sqrt('x') AS y FROM "t")"),
              "line 1, column 13: sqrt() needs numbers, found a string");
    EXPECT_EQ(
        compile_error(R"(SELECT concat(1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17) AS y FROM "t")"),
        "line 1, column 54: too many arguments");
}

TEST(SqlErrors, Types) {
    EXPECT_EQ(compile_error(R"(SELECT 'abc' * 2 AS x FROM "t")"),
              "line 1, column 8: operator * needs numbers, found a string");
    EXPECT_EQ(compile_error(R"(SELECT 2 + true AS x FROM "t")"),
              "line 1, column 12: operator + needs numbers, found a boolean");
    EXPECT_EQ(compile_error(R"(SELECT -'a' AS x FROM "t")"),
              "line 1, column 9: operator - needs a number, found a string");
    EXPECT_EQ(compile_error(R"(SELECT upper(a) + 1 AS x FROM "t")"),
              "line 1, column 8: operator + needs numbers, found a string");
    EXPECT_EQ(compile_error(R"(SELECT a FROM "t" WHERE 1)"),
              "line 1, column 25: WHERE needs a boolean condition, found a number");
    EXPECT_EQ(compile_error(R"(SELECT a FROM "t" WHERE a > 1 AND 'x')"),
              "line 1, column 35: AND needs a boolean condition, found a string");
    EXPECT_EQ(compile_error(R"(SELECT CASE WHEN 1 THEN 2 END AS x FROM "t")"),
              "line 1, column 18: WHEN needs a boolean condition, found a number");
}

TEST(SqlErrors, Naming) {
    EXPECT_EQ(compile_error(R"(SELECT a, a + 1 FROM "t")"),
              "line 1, column 11: column 2: an expression needs a name: add AS <name>");
    EXPECT_EQ(compile_error(R"(SELECT 1 FROM "t")"),
              "line 1, column 8: column 1: an expression needs a name: add AS <name>");
    EXPECT_EQ(compile_error(R"(SELECT a.x, b.x FROM "t")"),
              "line 1, column 13: two columns are named 'x'");
    EXPECT_EQ(compile_error(R"(SELECT a AS `select` FROM "t")"), "ok");
}

TEST(SqlErrors, Limits) {
    std::string deep = "SELECT ";
    for (int i = 0; i < 100; ++i) deep += "(";
    deep += "1";
    for (int i = 0; i < 100; ++i) deep += ")";
    deep += " AS x FROM \"t\"";
    EXPECT_EQ(compile_error(deep), "line 1, column 72: expression too deeply nested");

    std::string nested_not = "SELECT a FROM \"t\" WHERE ";
    for (int i = 0; i < 1000; ++i) nested_not += "NOT ";
    nested_not += "true";
    EXPECT_NE(compile_error(nested_not).find("too deeply nested"), std::string::npos);

    std::string chain = "SELECT 1";
    for (int i = 0; i < 5000; ++i) chain += "+1";
    chain += " AS x FROM \"t\"";
    EXPECT_NE(compile_error(chain).find("too deeply nested"), std::string::npos);

    std::string ok_chain = "SELECT 1";
    for (int i = 0; i < 200; ++i) ok_chain += "+1";
    EXPECT_EQ(run(ok_chain + " AS x FROM \"t\""), R"({"x":201})");

    EXPECT_EQ(compile_error("SELECT 1 AS x FROM \"t\" " + std::string(70000, ' ')),
              "line 1, column 1: the statement is longer than 65536 bytes");
}

TEST(SqlErrors, ToString) {
    SqlError e{3, 14, "expected FROM, found WHERE"};
    EXPECT_EQ(e.to_string(), "line 3, column 14: expected FROM, found WHERE");
}

}  // namespace
}  // namespace ts::rules::sql_test
