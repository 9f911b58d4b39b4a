// SELECT <items> FROM "<topic filter>" [WHERE <condition>] [;]
#include "rules/sql/functions.hpp"
#include "rules/sql/parse_try.hpp"
#include "rules/sql/parser.hpp"
#include "rules/sql/topic_filter.hpp"

namespace ts::rules::sql {

namespace {

// The name a column gets without AS: a path's last member (as Alibaba's
// rules engine does: items.temperature.value is "value"), a function's name
// (deviceName() is "deviceName"). Anything else must be named.
std::optional<std::string> implicit_name(const Node& e) {
    if (e.kind == NodeKind::path) {
        for (auto it = e.path.rbegin(); it != e.path.rend(); ++it)
            if (!it->is_index) return it->name;
    }
    if (e.kind == NodeKind::call) return std::string(e.function->name);
    return std::nullopt;
}

}  // namespace

Expected<Column, SqlError> Parser::select_item(std::size_t number) {
    TS_SQL_TRY(NodePtr e, expression());
    TS_SQL_CHECK(check_types(*e));
    Column c;
    if (is_keyword(tok_, "AS")) {
        TS_SQL_CHECK(advance());
        if (tok_.kind != TokenKind::quoted_name && tok_.kind != TokenKind::string &&
            !(tok_.kind == TokenKind::name && !is_reserved_word(tok_.text)))
            return unexpected(error_here("a column name after AS"));
        if (tok_.value.empty())
            return unexpected(SqlError{tok_.line, tok_.column, "a column name cannot be empty"});
        c.name = tok_.value;
        TS_SQL_CHECK(advance());
    } else if (auto name = implicit_name(*e)) {
        c.name = std::move(*name);
    } else {
        return unexpected(SqlError{
            e->line, e->column,
            "column " + std::to_string(number) + ": an expression needs a name: add AS <name>"});
    }
    c.expr = std::move(e);
    return c;
}

Expected<Statement, SqlError> Parser::statement() {
    Statement s;
    TS_SQL_CHECK(expect_keyword("SELECT"));
    for (std::size_t number = 1;; ++number) {
        if (tok_.kind == TokenKind::star) {
            if (s.select_all) return unexpected(SqlError{tok_.line, tok_.column, "'*' twice"});
            s.select_all = true;
            TS_SQL_CHECK(advance());
        } else {
            const Token at = tok_;
            TS_SQL_TRY(Column c, select_item(number));
            for (const Column& other : s.columns)
                if (other.name == c.name)
                    return unexpected(
                        SqlError{at.line, at.column, "two columns are named '" + c.name + "'"});
            s.columns.push_back(std::move(c));
        }
        if (tok_.kind != TokenKind::comma) break;
        TS_SQL_CHECK(advance());
    }
    TS_SQL_CHECK(expect_keyword("FROM"));
    if (tok_.kind != TokenKind::topic)
        return unexpected(error_here("a topic filter in double quotes"));
    if (auto problem = topic_filter_problem(tok_.value))
        return unexpected(SqlError{tok_.line, tok_.column, *problem});
    s.source = tok_.value;
    TS_SQL_CHECK(advance());
    if (is_keyword(tok_, "WHERE")) {
        TS_SQL_CHECK(advance());
        TS_SQL_TRY(s.where, expression());
        TS_SQL_CHECK(check_types(*s.where));
        TS_SQL_CHECK(check_condition(*s.where, "WHERE"));
    }
    if (tok_.kind == TokenKind::semicolon) TS_SQL_CHECK(advance());
    if (tok_.kind != TokenKind::end) {
        const char* what = s.where ? "end of statement" : "WHERE or end of statement";
        return unexpected(error_here(what));
    }
    return s;
}

}  // namespace ts::rules::sql
