// Templates: ${expr} holes over the row.
#include "sql_test_support.hpp"

namespace ts::rules::sql_test {
namespace {

std::string render(std::string_view text, const json& row) {
    auto t = Template::compile(text);
    if (!t) return "error: " + t.error().to_string();
    const Message m = message("{}");
    auto r = t->render(row, m.view());
    if (!r) return "error: " + r.error();
    return *r;
}

TEST(SqlTemplate, Holes) {
    const json row = {{"deviceName", "row-dev"}, {"t", 39.5},      {"n", 3}, {"ok", true},
                      {"nothing", nullptr},      {"o", {{"k", 1}}}};
    EXPECT_EQ(render("alerts/${deviceName}/temp", row), "alerts/row-dev/temp");
    EXPECT_EQ(render("alerts/${deviceName()}/temp", row), "alerts/dev1/temp");
    EXPECT_EQ(render("${t} ${n} ${ok} [${nothing}] ${o}", row), "39.5 3 true [] {\"k\":1}");
    EXPECT_EQ(render("${n * 2}${'}'}${ upper('x') }", row), "6}X");
    EXPECT_EQ(render("${topic(2)}/${missing}", row), "dev1/");
    EXPECT_EQ(render("cost: $${n} = ${n}", row), "cost: ${n} = 3");
    EXPECT_EQ(render("no holes", row), "no holes");
    EXPECT_EQ(render("", row), "");
    EXPECT_EQ(render("$ { } $n", row), "$ { } $n");
}

TEST(SqlTemplate, HasHoles) {
    EXPECT_FALSE(Template::compile("plain/topic")->has_holes());
    EXPECT_FALSE(Template::compile("$${x}")->has_holes());
    EXPECT_TRUE(Template::compile("a/${b}")->has_holes());
}

TEST(SqlTemplate, Errors) {
    EXPECT_EQ(render("a/${b", {}), "error: line 1, column 3: unterminated ${: expected }");
    EXPECT_EQ(render("a/${}", {}), "error: line 1, column 5: expected an expression, found '}'");
    EXPECT_EQ(render("x\n ${a b}", {}), "error: line 2, column 6: expected }, found 'b'");
    EXPECT_EQ(render("${nope()}", {}), "error: line 1, column 3: unknown function nope()");
    EXPECT_EQ(render("${'a' * 2}", {}),
              "error: line 1, column 3: operator * needs numbers, found a string");
    EXPECT_EQ(render("${s + 1}", {{"s", "x"}}),
              "error: line 1, column 3: operator + needs numbers, found a string");
}

}  // namespace
}  // namespace ts::rules::sql_test
