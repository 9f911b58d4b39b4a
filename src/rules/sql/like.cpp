#include "rules/sql/like.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "rules/sql/text_search.hpp"
#include "rules/sql/utf8.hpp"

namespace ts::rules::sql {

namespace {

constexpr std::size_t npos = std::string_view::npos;

std::size_t char_len(std::string_view t, std::size_t i) {
    return std::min(utf8_sequence_length(static_cast<unsigned char>(t[i])), t.size() - i);
}

// A run of literal bytes, or (any > 0) that many characters of any value.
struct Piece {
    std::string literal;
    std::size_t any = 0;
};

// The text between two %s.
struct Segment {
    std::vector<Piece> pieces;
    std::size_t chars = 0;  // characters it matches, whatever they are
    bool has_any = false;

    void add_literal(std::string_view bytes) {
        if (pieces.empty() || pieces.back().any > 0) pieces.emplace_back();
        pieces.back().literal += bytes;
        ++chars;
    }
    void add_any() {
        if (pieces.empty() || pieces.back().any == 0) pieces.emplace_back();
        ++pieces.back().any;
        ++chars;
        has_any = true;
    }
};

std::vector<Segment> split(std::string_view p) {
    std::vector<Segment> segments(1);
    for (std::size_t i = 0; i < p.size();) {
        if (p[i] == '%') {
            segments.emplace_back();
            ++i;
        } else if (p[i] == '_') {
            segments.back().add_any();
            ++i;
        } else {
            std::size_t lit = i;
            if (p[lit] == '\\' && lit + 1 < p.size()) ++lit;
            const std::size_t len = char_len(p, lit);
            segments.back().add_literal(p.substr(lit, len));
            i = lit + len;
        }
    }
    return segments;
}

// Where `seg` ends when matched starting at `at`; npos when it does not.
std::size_t match_at(std::string_view s, std::size_t at, const Segment& seg, StepBudget& budget) {
    for (const Piece& piece : seg.pieces) {
        if (piece.any > 0) {
            budget.spend(piece.any);
            for (std::size_t k = 0; k < piece.any; ++k) {
                if (at >= s.size()) return npos;
                at += char_len(s, at);
            }
        } else {
            budget.spend(piece.literal.size());
            if (s.compare(at, piece.literal.size(), piece.literal) != 0) return npos;
            at += piece.literal.size();
        }
    }
    return at;
}

// End of the leftmost match of `seg` starting at or after `from`; npos when
// there is none (or the budget ran out).
std::size_t find_segment(std::string_view s, std::size_t from, const Segment& seg,
                         StepBudget& budget) {
    if (seg.pieces.empty()) return from;
    const bool leads_with_text = seg.pieces.front().any == 0;
    const TextSearch lead(leads_with_text ? std::string_view(seg.pieces.front().literal) : "",
                          budget);
    if (!seg.has_any) {
        const std::size_t hit = lead.find(s, from);
        return hit == npos ? npos : hit + seg.pieces.front().literal.size();
    }
    for (std::size_t at = from; at <= s.size() && !budget.exhausted();) {
        if (leads_with_text) {
            at = lead.find(s, at);  // candidates only where the text occurs
            if (at == npos) return npos;
        }
        const std::size_t end = match_at(s, at, seg, budget);
        if (end != npos) return end;
        if (at == s.size()) break;
        at += char_len(s, at);
    }
    return npos;
}

// Where a segment of `chars` characters must start to end exactly at the end
// of s; npos when s is shorter.
std::size_t start_of_tail(std::string_view s, std::size_t chars, StepBudget& budget) {
    budget.spend(chars);
    std::size_t at = s.size();
    for (std::size_t k = 0; k < chars; ++k) {
        if (at == 0) return npos;
        --at;
        while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
    }
    return at;
}

bool match(std::string_view s, const std::vector<Segment>& segments, StepBudget& budget) {
    const std::size_t after_first = match_at(s, 0, segments.front(), budget);
    if (after_first == npos) return false;
    if (segments.size() == 1) return after_first == s.size();
    const Segment& last = segments.back();
    const std::size_t tail = start_of_tail(s, last.chars, budget);
    if (tail == npos || tail < after_first) return false;
    if (match_at(s, tail, last, budget) != s.size()) return false;
    // The middle segments, in order, each leftmost, inside what is left.
    const std::string_view middle = s.substr(0, tail);
    std::size_t at = after_first;
    for (std::size_t i = 1; i + 1 < segments.size(); ++i) {
        at = find_segment(middle, at, segments[i], budget);
        if (at == npos) return false;
    }
    return true;
}

}  // namespace

std::optional<bool> like(std::string_view s, std::string_view pattern, StepBudget& budget) {
    const bool m = match(s, split(pattern), budget);
    if (budget.exhausted()) return std::nullopt;
    return m;
}

}  // namespace ts::rules::sql
