// The operands of expressions: literals, paths, function calls, CAST, CASE
// and parenthesised expressions.
#include "rules/sql/functions.hpp"
#include "rules/sql/parse_try.hpp"
#include "rules/sql/parser.hpp"

namespace ts::rules::sql {

namespace {

NodePtr literal(const Token& at, json value) {
    auto n = make_node(NodeKind::literal, at);
    n->literal = std::move(value);
    return n;
}

bool is_name(const Token& t) {
    return t.kind == TokenKind::name || t.kind == TokenKind::quoted_name;
}

}  // namespace

Expected<NodePtr, SqlError> Parser::primary() {
    const Token t = tok_;
    switch (t.kind) {
        case TokenKind::integer:
            TS_SQL_CHECK(advance());
            return literal(t, t.integer);
        case TokenKind::number:
            TS_SQL_CHECK(advance());
            return literal(t, t.number);
        case TokenKind::string:
            TS_SQL_CHECK(advance());
            return literal(t, t.value);
        case TokenKind::topic:
            return unexpected(SqlError{t.line, t.column,
                                       "double quotes are for the FROM topic filter: use 'single "
                                       "quotes' for a string or `backticks` for a name"});
        case TokenKind::lparen: {
            TS_SQL_CHECK(advance());
            TS_SQL_TRY(NodePtr inner, expression());
            TS_SQL_CHECK(expect(TokenKind::rparen, "')'"));
            return inner;
        }
        case TokenKind::quoted_name:
            TS_SQL_CHECK(advance());
            return path(t);
        case TokenKind::name:
            break;
        default:
            return unexpected(error_here("an expression"));
    }
    if (is_keyword(t, "TRUE") || is_keyword(t, "FALSE") || is_keyword(t, "NULL")) {
        TS_SQL_CHECK(advance());
        if (is_keyword(t, "NULL")) return literal(t, nullptr);
        return literal(t, is_keyword(t, "TRUE"));
    }
    if (is_keyword(t, "CASE")) {
        TS_SQL_CHECK(advance());
        return case_expr(t);
    }
    if (is_keyword(t, "CAST")) {
        TS_SQL_CHECK(advance());
        return cast(t);
    }
    if (is_reserved_word(t.text)) return unexpected(error_here("an expression"));
    TS_SQL_CHECK(advance());
    if (tok_.kind == TokenKind::lparen) return call(t);
    return path(t);
}

// a.b[0].`odd name`: after a dot any name is a member, keywords included.
Expected<NodePtr, SqlError> Parser::path(const Token& first) {
    auto n = make_node(NodeKind::path, first);
    n->path.push_back(PathStep{first.value, 0, false});
    for (;;) {
        if (tok_.kind == TokenKind::dot) {
            TS_SQL_CHECK(advance());
            if (!is_name(tok_)) return unexpected(error_here("a name after '.'"));
            n->path.push_back(PathStep{tok_.value, 0, false});
            TS_SQL_CHECK(advance());
        } else if (tok_.kind == TokenKind::lbracket) {
            TS_SQL_CHECK(advance());
            if (tok_.kind != TokenKind::integer || tok_.integer < 0)
                return unexpected(error_here("an index (0 or more) in [ ]"));
            n->path.push_back(PathStep{{}, static_cast<std::size_t>(tok_.integer), true});
            TS_SQL_CHECK(advance());
            TS_SQL_CHECK(expect(TokenKind::rbracket, "']'"));
        } else {
            return n;
        }
    }
}

Expected<NodePtr, SqlError> Parser::call(const Token& name) {
    const FunctionSpec* f = find_function(name.text);
    if (f == nullptr)
        return unexpected(
            SqlError{name.line, name.column, "unknown function " + std::string(name.text) + "()"});
    auto n = make_node(NodeKind::call, name);
    n->function = f;
    DepthGuard guard(*this);
    if (guard.too_deep())
        return unexpected(SqlError{name.line, name.column, "expression too deeply nested"});
    TS_SQL_CHECK(advance());  // (
    while (tok_.kind != TokenKind::rparen) {
        if (!n->children.empty()) TS_SQL_CHECK(expect(TokenKind::comma, "',' or ')'"));
        if (n->children.size() == kMaxArgs)
            return unexpected(SqlError{tok_.line, tok_.column, "too many arguments"});
        TS_SQL_TRY(NodePtr arg, expression());
        n->children.push_back(std::move(arg));
    }
    TS_SQL_CHECK(advance());
    const std::size_t count = n->children.size();
    if (count < f->min_args || count > f->max_args) {
        std::string want = f->min_args == f->max_args ? std::to_string(f->min_args)
                           : f->max_args == kMaxArgs
                               ? std::to_string(f->min_args) + " or more"
                               : std::to_string(f->min_args) + " to " + std::to_string(f->max_args);
        if (f->max_args == 0) want = "no";
        return unexpected(SqlError{name.line, name.column,
                                   std::string(f->name) + "() takes " + want + " argument" +
                                       (f->max_args == 1 && f->min_args == 1 ? "" : "s") +
                                       ", found " + std::to_string(count)});
    }
    return finish(std::move(n));
}

// CAST(x AS int|double|string|bool), with the usual synonyms.
Expected<NodePtr, SqlError> Parser::cast(const Token& keyword) {
    auto n = make_node(NodeKind::cast, keyword);
    TS_SQL_CHECK(expect(TokenKind::lparen, "'(' after CAST"));
    TS_SQL_TRY(NodePtr operand, expression());
    n->children.push_back(std::move(operand));
    TS_SQL_CHECK(expect_keyword("AS"));
    static constexpr std::pair<std::string_view, CastType> kTypes[] = {
        {"INT", CastType::integer},    {"INTEGER", CastType::integer},
        {"BIGINT", CastType::integer}, {"LONG", CastType::integer},
        {"DOUBLE", CastType::number},  {"FLOAT", CastType::number},
        {"DECIMAL", CastType::number}, {"NUMBER", CastType::number},
        {"STRING", CastType::string},  {"VARCHAR", CastType::string},
        {"TEXT", CastType::string},    {"BOOL", CastType::boolean},
        {"BOOLEAN", CastType::boolean}};
    bool known = false;
    for (auto [word, type] : kTypes) {
        if (!is_keyword(tok_, word)) continue;
        n->cast_type = type;
        known = true;
    }
    if (!known) return unexpected(error_here("a type (int, double, string or bool)"));
    TS_SQL_CHECK(advance());
    TS_SQL_CHECK(expect(TokenKind::rparen, "')'"));
    return finish(std::move(n));
}

// CASE [subject] WHEN a THEN b ... [ELSE c] END
Expected<NodePtr, SqlError> Parser::case_expr(const Token& keyword) {
    auto n = make_node(NodeKind::case_, keyword);
    if (!is_keyword(tok_, "WHEN")) {
        TS_SQL_TRY(NodePtr subject, expression());
        n->children.push_back(std::move(subject));
        n->has_subject = true;
    }
    if (!is_keyword(tok_, "WHEN")) return unexpected(error_here("WHEN"));
    while (is_keyword(tok_, "WHEN")) {
        TS_SQL_CHECK(advance());
        TS_SQL_TRY(NodePtr when, expression());
        TS_SQL_CHECK(expect_keyword("THEN"));
        TS_SQL_TRY(NodePtr then, expression());
        n->children.push_back(std::move(when));
        n->children.push_back(std::move(then));
    }
    if (is_keyword(tok_, "ELSE")) {
        TS_SQL_CHECK(advance());
        TS_SQL_TRY(NodePtr otherwise, expression());
        n->children.push_back(std::move(otherwise));
        n->has_else = true;
    }
    TS_SQL_CHECK(expect_keyword("END"));
    return finish(std::move(n));
}

}  // namespace ts::rules::sql
