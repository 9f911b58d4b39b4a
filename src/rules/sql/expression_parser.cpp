// Expressions, lowest precedence first: OR, AND, NOT, predicates (comparison,
// IN, LIKE, IS NULL, BETWEEN), + -, * / %, unary minus, primaries.
#include <algorithm>

#include "rules/sql/functions.hpp"
#include "rules/sql/parse_try.hpp"
#include "rules/sql/parser.hpp"
#include "rules/sql/value_ops.hpp"

namespace ts::rules::sql {

NodePtr make_node(NodeKind kind, const Token& at) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->line = at.line;
    n->column = at.column;
    return n;
}

Parser::Parser(std::string_view text, std::size_t start, int line, int column)
    : lexer_(text, start, line, column) {}

Expected<void, SqlError> Parser::prime() {
    return advance();
}

Expected<void, SqlError> Parser::advance() {
    TS_SQL_TRY(tok_, lexer_.next());
    return {};
}

SqlError Parser::error_here(std::string_view expected) const {
    return SqlError{tok_.line, tok_.column,
                    "expected " + std::string(expected) + ", found " + describe(tok_)};
}

Expected<void, SqlError> Parser::expect(TokenKind kind, std::string_view what) {
    if (tok_.kind != kind) return unexpected(error_here(what));
    return advance();
}

Expected<void, SqlError> Parser::expect_keyword(std::string_view keyword) {
    if (!is_keyword(tok_, keyword)) return unexpected(error_here(keyword));
    return advance();
}

Expected<NodePtr, SqlError> Parser::finish(NodePtr node) const {
    int h = 0;
    for (const auto& c : node->children) h = std::max(h, c->height);
    node->height = h + 1;
    if (node->height > kMaxTreeHeight)
        return unexpected(SqlError{node->line, node->column, "expression too deeply nested"});
    return node;
}

Expected<NodePtr, SqlError> Parser::expression() {
    DepthGuard guard(*this);
    if (guard.too_deep())
        return unexpected(SqlError{tok_.line, tok_.column, "expression too deeply nested"});
    return or_expr();
}

namespace {

NodePtr binary(NodeKind kind, Op op, NodePtr left, NodePtr right) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->op = op;
    n->line = left->line;
    n->column = left->column;
    n->children.push_back(std::move(left));
    n->children.push_back(std::move(right));
    return n;
}

}  // namespace

Expected<NodePtr, SqlError> Parser::or_expr() {
    TS_SQL_TRY(NodePtr left, and_expr());
    while (is_keyword(tok_, "OR")) {
        TS_SQL_CHECK(advance());
        TS_SQL_TRY(NodePtr right, and_expr());
        TS_SQL_TRY(left,
                   finish(binary(NodeKind::logical, Op::or_, std::move(left), std::move(right))));
    }
    return left;
}

Expected<NodePtr, SqlError> Parser::and_expr() {
    TS_SQL_TRY(NodePtr left, not_expr());
    while (is_keyword(tok_, "AND")) {
        TS_SQL_CHECK(advance());
        TS_SQL_TRY(NodePtr right, not_expr());
        TS_SQL_TRY(left,
                   finish(binary(NodeKind::logical, Op::and_, std::move(left), std::move(right))));
    }
    return left;
}

Expected<NodePtr, SqlError> Parser::not_expr() {
    if (!is_keyword(tok_, "NOT")) return predicate();
    DepthGuard guard(*this);
    if (guard.too_deep())
        return unexpected(SqlError{tok_.line, tok_.column, "expression too deeply nested"});
    auto n = make_node(NodeKind::not_, tok_);
    TS_SQL_CHECK(advance());
    TS_SQL_TRY(NodePtr operand, not_expr());
    n->children.push_back(std::move(operand));
    return finish(std::move(n));
}

Expected<NodePtr, SqlError> Parser::predicate() {
    TS_SQL_TRY(NodePtr left, additive());
    static constexpr std::pair<TokenKind, Op> kComparisons[] = {
        {TokenKind::eq, Op::eq}, {TokenKind::ne, Op::ne}, {TokenKind::lt, Op::lt},
        {TokenKind::le, Op::le}, {TokenKind::gt, Op::gt}, {TokenKind::ge, Op::ge}};
    for (auto [kind, op] : kComparisons) {
        if (tok_.kind != kind) continue;
        TS_SQL_CHECK(advance());
        TS_SQL_TRY(NodePtr right, additive());
        return finish(binary(NodeKind::compare, op, std::move(left), std::move(right)));
    }
    if (is_keyword(tok_, "IS")) {
        auto n = make_node(NodeKind::is_null, tok_);
        TS_SQL_CHECK(advance());
        if (is_keyword(tok_, "NOT")) {
            n->negated = true;
            TS_SQL_CHECK(advance());
        }
        TS_SQL_CHECK(expect_keyword("NULL"));
        n->children.push_back(std::move(left));
        return finish(std::move(n));
    }
    const Token at = tok_;
    bool negated = false;
    if (is_keyword(tok_, "NOT")) {
        negated = true;
        TS_SQL_CHECK(advance());
        if (!is_keyword(tok_, "IN") && !is_keyword(tok_, "LIKE") && !is_keyword(tok_, "BETWEEN"))
            return unexpected(error_here("IN, LIKE or BETWEEN after NOT"));
    }
    if (is_keyword(tok_, "IN")) return in_list(std::move(left), at, negated);
    if (is_keyword(tok_, "LIKE") || is_keyword(tok_, "BETWEEN")) {
        const bool is_like = is_keyword(tok_, "LIKE");
        auto n = make_node(is_like ? NodeKind::like : NodeKind::between, at);
        n->negated = negated;
        TS_SQL_CHECK(advance());
        n->children.push_back(std::move(left));
        TS_SQL_TRY(NodePtr low, additive());
        n->children.push_back(std::move(low));
        if (!is_like) {
            TS_SQL_CHECK(expect_keyword("AND"));
            TS_SQL_TRY(NodePtr high, additive());
            n->children.push_back(std::move(high));
        }
        return finish(std::move(n));
    }
    return left;
}

Expected<NodePtr, SqlError> Parser::in_list(NodePtr subject, const Token& at, bool negated) {
    auto n = make_node(NodeKind::in, at);
    n->negated = negated;
    n->children.push_back(std::move(subject));
    TS_SQL_CHECK(advance());  // IN
    TS_SQL_CHECK(expect(TokenKind::lparen, "'(' after IN"));
    for (;;) {
        TS_SQL_TRY(NodePtr item, expression());
        n->children.push_back(std::move(item));
        if (tok_.kind == TokenKind::rparen) break;
        TS_SQL_CHECK(expect(TokenKind::comma, "',' or ')'"));
    }
    TS_SQL_CHECK(advance());
    return finish(std::move(n));
}

Expected<NodePtr, SqlError> Parser::additive() {
    TS_SQL_TRY(NodePtr left, multiplicative());
    while (tok_.kind == TokenKind::plus || tok_.kind == TokenKind::minus) {
        const Op op = tok_.kind == TokenKind::plus ? Op::add : Op::sub;
        TS_SQL_CHECK(advance());
        TS_SQL_TRY(NodePtr right, multiplicative());
        TS_SQL_TRY(left, finish(binary(NodeKind::arith, op, std::move(left), std::move(right))));
    }
    return left;
}

Expected<NodePtr, SqlError> Parser::multiplicative() {
    TS_SQL_TRY(NodePtr left, unary());
    for (;;) {
        Op op;
        if (tok_.kind == TokenKind::star)
            op = Op::mul;
        else if (tok_.kind == TokenKind::slash)
            op = Op::div;
        else if (tok_.kind == TokenKind::percent)
            op = Op::mod;
        else
            return left;
        TS_SQL_CHECK(advance());
        TS_SQL_TRY(NodePtr right, unary());
        TS_SQL_TRY(left, finish(binary(NodeKind::arith, op, std::move(left), std::move(right))));
    }
}

Expected<NodePtr, SqlError> Parser::unary() {
    if (tok_.kind != TokenKind::minus && tok_.kind != TokenKind::plus) return primary();
    DepthGuard guard(*this);
    if (guard.too_deep())
        return unexpected(SqlError{tok_.line, tok_.column, "expression too deeply nested"});
    const Token at = tok_;
    TS_SQL_CHECK(advance());
    TS_SQL_TRY(NodePtr operand, unary());
    if (at.kind == TokenKind::plus) return operand;
    // Fold -5 into a literal: constants then type-check and print as numbers.
    if (operand->kind == NodeKind::literal && operand->literal.is_number()) {
        if (auto r = negate(operand->literal)) {
            operand->literal = std::move(*r).take();
            operand->line = at.line;
            operand->column = at.column;
            return operand;
        }
    }
    auto n = make_node(NodeKind::negate, at);
    n->children.push_back(std::move(operand));
    return finish(std::move(n));
}

}  // namespace ts::rules::sql
