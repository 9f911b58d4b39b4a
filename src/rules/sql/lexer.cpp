#include "rules/sql/lexer.hpp"

#include <array>
#include <charconv>
#include <cmath>

namespace ts::rules::sql {

namespace {

bool is_name_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;  // letters of other scripts
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_name_char(char c) {
    return is_name_start(c) || is_digit(c);
}

char upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

constexpr std::array kReserved{"SELECT", "FROM", "WHERE", "AS",   "AND",  "OR",     "NOT",
                               "IN",     "LIKE", "IS",    "NULL", "TRUE", "FALSE",  "CASE",
                               "WHEN",   "THEN", "ELSE",  "END",  "CAST", "BETWEEN"};

bool equals_upper(std::string_view word, std::string_view keyword) {
    if (word.size() != keyword.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i)
        if (upper(word[i]) != keyword[i]) return false;
    return true;
}

}  // namespace

bool is_keyword(const Token& t, std::string_view keyword) {
    return t.kind == TokenKind::name && equals_upper(t.text, keyword);
}

bool is_reserved_word(std::string_view word) {
    for (std::string_view k : kReserved)
        if (equals_upper(word, k)) return true;
    return false;
}

std::string describe(const Token& t) {
    if (t.kind == TokenKind::end) return "end of input";
    std::string_view text = t.text;
    if (text.size() > 40) text = text.substr(0, 40);  // keep messages short
    if (t.kind == TokenKind::name && is_reserved_word(t.text)) {
        std::string out;
        for (char c : t.text) out += upper(c);
        return out;
    }
    return "'" + std::string(text) + (text.size() < t.text.size() ? "...'" : "'");
}

Lexer::Lexer(std::string_view source, std::size_t start, int line, int column)
    : src_(source), pos_(start), line_(line), column_(column) {}

void Lexer::advance(std::size_t n) {
    for (; n > 0 && pos_ < src_.size(); --n, ++pos_) {
        const auto c = static_cast<unsigned char>(src_[pos_]);
        if (c == '\n') {
            ++line_;
            column_ = 1;
        } else if ((c & 0xC0) != 0x80) {  // columns count characters, not bytes
            ++column_;
        }
    }
}

Expected<Token, SqlError> Lexer::next() {
    // Whitespace and -- line comments.
    while (pos_ < src_.size()) {
        const char c = src_[pos_];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            advance(1);
        } else if (c == '-' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '-') {
            while (pos_ < src_.size() && src_[pos_] != '\n') advance(1);
        } else {
            break;
        }
    }
    Token t;
    t.line = line_;
    t.column = column_;
    t.offset = pos_;
    if (pos_ >= src_.size()) return t;

    const char c = src_[pos_];
    if (is_name_start(c)) {
        std::size_t end = pos_;
        while (end < src_.size() && is_name_char(src_[end])) ++end;
        t.kind = TokenKind::name;
        t.text = src_.substr(pos_, end - pos_);
        t.value = std::string(t.text);
        advance(end - pos_);
        return t;
    }
    if (is_digit(c)) return number(std::move(t));
    if (c == '\'') return quoted(std::move(t), '\'', TokenKind::string);
    if (c == '"') return quoted(std::move(t), '"', TokenKind::topic);
    if (c == '`') return quoted(std::move(t), '`', TokenKind::quoted_name);

    auto symbol = [&](TokenKind kind, std::size_t len) -> Expected<Token, SqlError> {
        t.kind = kind;
        t.text = src_.substr(pos_, len);
        advance(len);
        return t;
    };
    const char n = pos_ + 1 < src_.size() ? src_[pos_ + 1] : '\0';
    switch (c) {
        case '(':
            return symbol(TokenKind::lparen, 1);
        case ')':
            return symbol(TokenKind::rparen, 1);
        case '[':
            return symbol(TokenKind::lbracket, 1);
        case ']':
            return symbol(TokenKind::rbracket, 1);
        case '}':
            return symbol(TokenKind::rbrace, 1);
        case ',':
            return symbol(TokenKind::comma, 1);
        case '.':
            return symbol(TokenKind::dot, 1);
        case '*':
            return symbol(TokenKind::star, 1);
        case '+':
            return symbol(TokenKind::plus, 1);
        case '-':
            return symbol(TokenKind::minus, 1);
        case '/':
            return symbol(TokenKind::slash, 1);
        case '%':
            return symbol(TokenKind::percent, 1);
        case ';':
            return symbol(TokenKind::semicolon, 1);
        case '=':
            return symbol(TokenKind::eq, n == '=' ? 2 : 1);
        case '!':
            if (n == '=') return symbol(TokenKind::ne, 2);
            break;
        case '<':
            if (n == '>') return symbol(TokenKind::ne, 2);
            return n == '=' ? symbol(TokenKind::le, 2) : symbol(TokenKind::lt, 1);
        case '>':
            return n == '=' ? symbol(TokenKind::ge, 2) : symbol(TokenKind::gt, 1);
        default:
            break;
    }
    std::string shown(1, c);
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        shown = "a control character";
    else
        shown = "'" + shown + "'";
    return unexpected(SqlError{t.line, t.column, "unexpected character " + shown});
}

// 'it''s': a doubled quote stands for one. Newlines are allowed inside.
Expected<Token, SqlError> Lexer::quoted(Token t, char quote, TokenKind kind) {
    std::size_t i = pos_ + 1;
    for (;;) {
        if (i >= src_.size()) {
            const char* what = kind == TokenKind::string  ? "unterminated string"
                               : kind == TokenKind::topic ? "unterminated topic filter"
                                                          : "unterminated quoted name";
            return unexpected(SqlError{t.line, t.column, what});
        }
        if (src_[i] == quote) {
            if (i + 1 < src_.size() && src_[i + 1] == quote) {
                t.value += quote;
                i += 2;
                continue;
            }
            break;
        }
        t.value += src_[i++];
    }
    t.kind = kind;
    t.text = src_.substr(pos_, i + 1 - pos_);
    advance(i + 1 - pos_);
    if (kind == TokenKind::quoted_name && t.value.empty())
        return unexpected(SqlError{t.line, t.column, "a quoted name cannot be empty"});
    return t;
}

Expected<Token, SqlError> Lexer::number(Token t) {
    std::size_t end = pos_;
    bool fractional = false;
    while (end < src_.size() && is_digit(src_[end])) ++end;
    if (end + 1 < src_.size() && src_[end] == '.' && is_digit(src_[end + 1])) {
        fractional = true;
        ++end;
        while (end < src_.size() && is_digit(src_[end])) ++end;
    }
    if (end < src_.size() && (src_[end] == 'e' || src_[end] == 'E')) {
        std::size_t e = end + 1;
        if (e < src_.size() && (src_[e] == '+' || src_[e] == '-')) ++e;
        if (e < src_.size() && is_digit(src_[e])) {
            fractional = true;
            end = e;
            while (end < src_.size() && is_digit(src_[end])) ++end;
        }
    }
    t.text = src_.substr(pos_, end - pos_);
    const char* first = t.text.data();
    const char* last = first + t.text.size();
    if (!fractional) {
        auto [p, ec] = std::from_chars(first, last, t.integer);
        if (ec == std::errc() && p == last) {
            t.kind = TokenKind::integer;
            advance(end - pos_);
            return t;
        }
    }
    auto [p, ec] = std::from_chars(first, last, t.number);
    if (ec != std::errc() || p != last || !std::isfinite(t.number))
        return unexpected(SqlError{t.line, t.column, "number out of range"});
    t.kind = TokenKind::number;
    advance(end - pos_);
    return t;
}

}  // namespace ts::rules::sql
