#pragma once
// Splits SQL text into tokens on demand. Tokens are produced one at a time
// because a template's holes are SQL only up to their closing brace.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/expected.hpp"
#include "rules/sql/query.hpp"

namespace ts::rules::sql {

enum class TokenKind {
    end,
    name,         // bare identifier or keyword (keywords are matched by text)
    quoted_name,  // `backtick quoted`: never a keyword
    string,       // 'single quoted'
    topic,        // "double quoted": only the FROM filter
    integer,
    number,  // with a fraction or exponent, or an integer too big for int64
    lparen,
    rparen,
    lbracket,
    rbracket,
    rbrace,
    comma,
    dot,
    star,
    plus,
    minus,
    slash,
    percent,
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
    semicolon,
};

struct Token {
    TokenKind kind = TokenKind::end;
    int line = 1;
    int column = 1;
    std::size_t offset = 0;  // byte offset in the source
    std::string_view text;   // as written
    std::string value;       // names and strings, unquoted and unescaped
    std::int64_t integer = 0;
    double number = 0;
};

// How a token reads in "expected X, found Y" messages.
std::string describe(const Token& t);

// A name token spelling `keyword` (given in upper case), case-insensitively.
bool is_keyword(const Token& t, std::string_view keyword);
bool is_reserved_word(std::string_view word);

class Lexer {
public:
    explicit Lexer(std::string_view source, std::size_t start = 0, int line = 1, int column = 1);

    Expected<Token, SqlError> next();
    std::size_t offset() const { return pos_; }

private:
    Expected<Token, SqlError> quoted(Token t, char quote, TokenKind kind);
    Expected<Token, SqlError> number(Token t);
    void advance(std::size_t n);

    std::string_view src_;
    std::size_t pos_;
    int line_;
    int column_;
};

}  // namespace ts::rules::sql
