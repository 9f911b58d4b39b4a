// Every function, with the example docs/rules-sql.md gives for it.
#include <cctype>

#include "sql_test_support.hpp"

namespace ts::rules::sql_test {
namespace {

TEST(SqlFunctions, Message) {
    check_all(
        {
            {"deviceName()", "\"dev1\""},
            {"DEVICENAME()", "\"dev1\""},
            {"productKey()", "\"pk1\""},
            {"clientIp()", "\"10.0.0.7\""},
            {"messageId()", "\"42\""},
            {"topic()", "\"/pk1/dev1/thing/event/property/post\""},
            {"topic(1)", "\"pk1\""},
            {"topic(2)", "\"dev1\""},
            {"topic(6)", "\"post\""},
            {"topic(7)", "null"},
            {"timestamp()", "1700000000123"},
            {"timestamp('yyyy-MM-dd HH:mm:ss')", "\"2023-11-14 22:13:20\""},
            {"timestamp('yyyyMMddTHHmmss.SSS yy')", "\"20231114T221320.123 23\""},
            {"payload()", "\"{\\\"a\\\":[1,2]}\""},
            {"payload('json')", "{\"a\":[1,2]}"},
        },
        R"({"a":[1,2]})");
    EXPECT_EQ(eval("topic(n)", R"({"n":0})"),
              "error: line 1, column 8: topic(n) needs a level number of 1 or more");
}

TEST(SqlFunctions, TopicWithoutLeadingSlash) {
    auto q = Query::compile(R"(SELECT topic(1) AS a, topic(3) AS c FROM "#")");
    ASSERT_TRUE(q);
    Message m = message("{}");
    m.topic = "sensors/room1/temp";
    EXPECT_EQ((**q->evaluate(m.view())).dump(), R"({"a":"sensors","c":"temp"})");
}

TEST(SqlFunctions, NewUuid) {
    const std::string a = eval("newuuid()"), b = eval("newuuid()");
    // "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx" in quotes.
    ASSERT_EQ(a.size(), 38u) << a;
    for (std::size_t i = 1; i < 37; ++i) {
        if (i == 9 || i == 14 || i == 19 || i == 24)
            EXPECT_EQ(a[i], '-') << a;
        else
            EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(a[i])) && !std::isupper(a[i]))
                << a;
    }
    EXPECT_EQ(a[15], '4') << a;
    EXPECT_NE(std::string("89ab").find(a[20]), std::string::npos) << a;
    EXPECT_NE(a, b);
}

TEST(SqlFunctions, Strings) {
    check_all({
        {"concat('a', 1, true, null, 2.5)", "\"a1true2.5\""},
        {"lower('AbC')", "\"abc\""},
        {"upper('AbC')", "\"ABC\""},
        {"length('héllo')", "5"},
        {"char_length('abc')", "3"},
        {"length(12345)", "5"},
        {"substring('thingstead', 6)", "\"stead\""},
        {"substring('thingstead', 1, 5)", "\"thing\""},
        {"substring('héllo', 2, 3)", "\"éll\""},
        {"substring('abc', 0, 2)", "\"a\""},
        {"substring('abc', 5)", "\"\""},
        {"substring('abc', -9223372036854775807 - 1)", "\"abc\""},  // no overflow in the clamp
        {"substring('abc', -1, 3)", "\"a\""},
        {"substring('abc', 2, 100)", "\"bc\""},
        {"replace('a-b-c', '-', '+')", "\"a+b+c\""},
        {"replace('abc', '', 'x')", "\"abc\""},
        {"trim('  x  ')", "\"x\""},
        {"ltrim('  x  ')", "\"x  \""},
        {"rtrim('  x  ')", "\"  x\""},
        {"startswith('thingstead', 'thing')", "true"},
        {"endswith('thingstead', 'x')", "false"},
        {"strpos('thingstead', 'stead')", "6"},
        {"instr('héllo', 'l')", "3"},
        {"strpos('abc', 'z')", "0"},
        {"upper(null)", "null"},
        {"substring(null, 1)", "null"},
    });
    EXPECT_EQ(eval("substring('abc', 'x')"),
              "error: line 1, column 8: substring() needs an integer start");
}

TEST(SqlFunctions, Math) {
    check_all({
        {"abs(-3)", "3"},
        {"abs(-2.5)", "2.5"},
        {"round(2.5)", "3"},
        {"round(-2.5)", "-3"},
        {"round(3.14159, 2)", "3.14"},
        {"round(7, 2)", "7"},
        {"floor(2.7)", "2"},
        {"floor(-2.2)", "-3"},
        {"ceil(2.1)", "3"},
        {"ceil(5)", "5"},
        {"sqrt(16)", "4.0"},
        {"sqrt(-1)", "null"},
        {"power(2, 10)", "1024.0"},
        {"log(1)", "0.0"},
        {"log(0)", "null"},
        {"log10(1000)", "3.0"},
        {"mod(10, 3)", "1"},
        {"mod(10, 0)", "null"},
        {"min(3, 1, 2)", "1"},
        {"max(3, 1.5, null)", "3"},
        {"max(null, null)", "null"},
        {"abs(null)", "null"},
    });
    EXPECT_EQ(eval("abs(s)", R"({"s":"x"})"),
              "error: line 1, column 8: abs() needs numbers, found a string");
}

TEST(SqlFunctions, Conversion) {
    check_all(
        {
            {"cast('42' AS int)", "42"},
            {"cast(42.9 AS int)", "42"},
            {"cast(-42.9 AS integer)", "-42"},
            {"cast('4.5' AS double)", "4.5"},
            {"cast(3 AS double)", "3.0"},
            {"cast(42 AS string)", "\"42\""},
            {"cast(0.1 AS string)", "\"0.1\""},
            {"cast(true AS string)", "\"true\""},
            {"cast('true' AS bool)", "true"},
            {"cast(0 AS boolean)", "false"},
            {"cast('maybe' AS bool)", "null"},
            {"cast('abc' AS int)", "null"},
            {"cast(1e300 AS int)", "null"},
            {"cast(null AS int)", "null"},
            {"CAST(o AS string)", "\"{\\\"k\\\":[1]}\""},
            {"to_number('12')", "12"},
            {"to_number('x')", "null"},
            {"to_string(12.5)", "\"12.5\""},
            {"nvl(missing, 'default')", "\"default\""},
            {"nvl(1, 2)", "1"},
            {"coalesce(null, missing, 3, 4)", "3"},
            {"coalesce(null)", "null"},
        },
        R"({"o":{"k":[1]}})");
}

}  // namespace
}  // namespace ts::rules::sql_test
