#pragma once
// Recursive descent over the lexer's tokens with one token of lookahead.
// Expressions (expression_parser.cpp) serve both statements and template
// holes; statement_parser.cpp adds SELECT ... FROM ... WHERE.
#include <string_view>

#include "core/expected.hpp"
#include "rules/sql/ast.hpp"
#include "rules/sql/lexer.hpp"
#include "rules/sql/query.hpp"

namespace ts::rules::sql {

// Hostile input must not exhaust the stack: nesting (parentheses, calls,
// CASE, NOT, unary minus) is limited, and so is the height of the tree that
// long operator chains (1+1+1+...) build without nesting.
inline constexpr int kMaxNesting = 64;
inline constexpr int kMaxTreeHeight = 256;
inline constexpr std::size_t kMaxSqlBytes = 64 * 1024;

class Parser {
public:
    explicit Parser(std::string_view text, std::size_t start = 0, int line = 1, int column = 1);

    // Reads the first token; call once before anything else.
    Expected<void, SqlError> prime();

    Expected<NodePtr, SqlError> expression();
    Expected<Statement, SqlError> statement();

    const Token& current() const { return tok_; }
    Expected<void, SqlError> advance();

private:
    Expected<NodePtr, SqlError> or_expr();
    Expected<NodePtr, SqlError> and_expr();
    Expected<NodePtr, SqlError> not_expr();
    Expected<NodePtr, SqlError> predicate();
    Expected<NodePtr, SqlError> additive();
    Expected<NodePtr, SqlError> multiplicative();
    Expected<NodePtr, SqlError> unary();
    Expected<NodePtr, SqlError> primary();
    Expected<NodePtr, SqlError> path(const Token& first);
    Expected<NodePtr, SqlError> call(const Token& name);
    Expected<NodePtr, SqlError> cast(const Token& keyword);
    Expected<NodePtr, SqlError> case_expr(const Token& keyword);
    Expected<NodePtr, SqlError> in_list(NodePtr subject, const Token& at, bool negated);

    Expected<void, SqlError> expect(TokenKind kind, std::string_view what);
    Expected<void, SqlError> expect_keyword(std::string_view keyword);
    Expected<Column, SqlError> select_item(std::size_t number);
    SqlError error_here(std::string_view expected) const;

    // Sets height from the children and refuses trees that are too high.
    Expected<NodePtr, SqlError> finish(NodePtr node) const;
    // Counts nesting for one recursive step; see kMaxNesting.
    struct DepthGuard {
        explicit DepthGuard(Parser& p) : parser(p) { ++parser.depth_; }
        ~DepthGuard() { --parser.depth_; }
        DepthGuard(const DepthGuard&) = delete;
        DepthGuard& operator=(const DepthGuard&) = delete;
        bool too_deep() const { return parser.depth_ > kMaxNesting; }
        Parser& parser;
    };

    Lexer lexer_;
    Token tok_;
    int depth_ = 0;
};

// Refuses text the lexer should never see: longer than kMaxSqlBytes, or not
// UTF-8 (`what` names it: "the statement", "the template").
Expected<void, SqlError> check_source_text(std::string_view text, const char* what);

NodePtr make_node(NodeKind kind, const Token& at);

// The compile-time checks (type_check.cpp): operand types where they are
// already known, constant arguments, WHERE's type.
Expected<void, SqlError> check_types(Node& node);
Expected<void, SqlError> check_condition(const Node& node, std::string_view what);

}  // namespace ts::rules::sql
