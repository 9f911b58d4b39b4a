// Whole statements: columns and their names, SELECT *, paths, WHERE.
#include "sql_test_support.hpp"

namespace ts::rules::sql_test {
namespace {

const char* kPost =
    R"({"id":"1","version":"1.0","items":{"temperature":{"value":39.5,"time":1700000000000}},
                        "params":{"list":[10,20,{"x":"deep"}]},"odd-name":7})";

TEST(SqlSelect, TheIssueExample) {
    const char* sql =
        R"(SELECT items.temperature.value AS t, deviceName() AS dev FROM "/pk1/+/thing/event/property/post" WHERE items.temperature.value > 38)";
    auto q = Query::compile(sql);
    ASSERT_TRUE(q) << q.error().to_string();
    EXPECT_EQ(q->source(), "/pk1/+/thing/event/property/post");
    EXPECT_EQ(run(sql, kPost), R"({"dev":"dev1","t":39.5})");
    EXPECT_EQ(run(sql, R"({"items":{"temperature":{"value":20}}})"), "no row");
    EXPECT_EQ(run(sql, R"({"items":{}})"), "no row");  // NULL > 38 is not true
    EXPECT_EQ(run(sql, "not json"), "no row");
    EXPECT_EQ(run(sql, "[1,2]"), "no row");
}

TEST(SqlSelect, Paths) {
    check_all(
        {
            {"items.temperature.value", "39.5"},
            {"params.list[0]", "10"},
            {"params.list[2].x", "\"deep\""},
            {"params.list[3]", "null"},
            {"params.list.x", "null"},
            {"items.temperature.value.deeper", "null"},
            {"`odd-name`", "7"},
            {"params.`list`[1]", "20"},
            {"nothing.here", "null"},
        },
        kPost);
}

TEST(SqlSelect, ImplicitColumnNames) {
    EXPECT_EQ(
        run(R"(SELECT items.temperature.value, params.list[1], deviceName(), id FROM "t")", kPost),
        R"({"deviceName":"dev1","id":"1","list":20,"value":39.5})");
}

TEST(SqlSelect, ExplicitNames) {
    EXPECT_EQ(run(R"(SELECT 1 AS `a b`, 2 AS 'c', 3 AS d FROM "t")"), R"({"a b":1,"c":2,"d":3})");
}

TEST(SqlSelect, StarIsThePayload) {
    EXPECT_EQ(run(R"(SELECT * FROM "t")", R"({"a":1})"), R"({"a":1})");
    EXPECT_EQ(run(R"(SELECT *, a + 1 AS b FROM "t")", R"({"a":1})"), R"({"a":1,"b":2})");
    EXPECT_EQ(run(R"(SELECT a + 1 AS a, * FROM "t")", R"({"a":1})"), R"({"a":2})");
    // Payloads that are not objects are wrapped.
    EXPECT_EQ(run(R"(SELECT * FROM "t")", "[1,2]"), R"({"payload":[1,2]})");
    EXPECT_EQ(run(R"(SELECT * FROM "t")", "42"), R"({"payload":42})");
    EXPECT_EQ(run(R"(SELECT * FROM "t")", "plain text"), R"({"payload":"plain text"})");
    EXPECT_EQ(run(R"(SELECT * FROM "t")", "bad \xff byte"),
              "{\"payload\":\"bad \xEF\xBF\xBD byte\"}");
}

TEST(SqlSelect, Where) {
    EXPECT_EQ(run(R"(SELECT a FROM "t" WHERE a = 1)", R"({"a":1})"), R"({"a":1})");
    EXPECT_EQ(run(R"(SELECT a FROM "t" WHERE a = 2)", R"({"a":1})"), "no row");
    EXPECT_EQ(run(R"(SELECT a FROM "t" WHERE b IS NULL)", R"({"a":1})"), R"({"a":1})");
    EXPECT_EQ(run(R"(SELECT a FROM "t" WHERE null)", R"({"a":1})"), "no row");
    EXPECT_EQ(run(R"(SELECT a FROM "t" WHERE a)", R"({"a":1})"),
              "error: line 1, column 25: WHERE needs a boolean, found a number");
    EXPECT_EQ(run(R"(SELECT a FROM "t" WHERE a;)", R"({"a":true})"), R"({"a":true})");
}

TEST(SqlSelect, KeywordsAreCaseInsensitive) {
    EXPECT_EQ(run(R"(select a as b from "t" where a in (1) and not false)", R"({"a":1})"),
              R"({"b":1})");
}

TEST(SqlSelect, CommentsAndNewlines) {
    EXPECT_EQ(run("SELECT a -- the value\n  AS b\nFROM \"t\"", R"({"a":1})"), R"({"b":1})");
}

TEST(SqlSelect, TopicFilters) {
    for (const char* ok : {"#", "+", "a/+/b", "a/#", "/a/b", "a//b", "+/+/#"})
        EXPECT_EQ(compile_error(std::string("SELECT * FROM \"") + ok + "\""), "ok") << ok;
    EXPECT_EQ(compile_error(R"(SELECT * FROM "")"), "line 1, column 15: the topic filter is empty");
    EXPECT_EQ(compile_error(R"(SELECT * FROM "a/#/b")"),
              "line 1, column 15: '#' must be a whole level and the last one");
    EXPECT_EQ(compile_error(R"(SELECT * FROM "a#")"),
              "line 1, column 15: '#' must be a whole level and the last one");
    EXPECT_EQ(compile_error(R"(SELECT * FROM "a/b+")"),
              "line 1, column 15: '+' must be a whole level");
    EXPECT_EQ(compile_error("SELECT * FROM \"a\"\"b\""), "ok");  // a doubled quote is a quote
}

}  // namespace
}  // namespace ts::rules::sql_test
