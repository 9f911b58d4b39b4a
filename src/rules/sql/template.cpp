// Template: text with ${expr} holes, each a SQL expression over the row.
#include "rules/sql/evaluator.hpp"
#include "rules/sql/parse_try.hpp"
#include "rules/sql/parser.hpp"
#include "rules/sql/query.hpp"

namespace ts::rules {

struct Template::Impl {
    // Literal text, then the hole after it (null for the trailing text).
    struct Part {
        std::string text;
        sql::NodePtr hole;
    };
    std::vector<Part> parts;
};

Template::Template(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Template::Template(Template&&) noexcept = default;
Template& Template::operator=(Template&&) noexcept = default;
Template::~Template() = default;

Expected<Template, SqlError> Template::compile(std::string_view text) {
    TS_SQL_CHECK(sql::check_source_text(text, "the template"));
    auto impl = std::make_unique<Impl>();
    Impl::Part part;
    int line = 1, column = 1;
    std::size_t i = 0;
    auto step = [&](std::size_t n) {  // moves i, keeping line and column
        for (; n > 0 && i < text.size(); --n, ++i) {
            const auto c = static_cast<unsigned char>(text[i]);
            if (c == '\n') {
                ++line;
                column = 1;
            } else if ((c & 0xC0) != 0x80) {
                ++column;
            }
        }
    };
    while (i < text.size()) {
        if (text.substr(i, 3) == "$${") {
            part.text += "${";
            step(3);
            continue;
        }
        if (text.substr(i, 2) != "${") {
            part.text += text[i];
            step(1);
            continue;
        }
        const int hole_line = line, hole_column = column;
        step(2);
        sql::Parser parser(text, i, line, column);
        TS_SQL_CHECK(parser.prime());
        TS_SQL_TRY(part.hole, parser.expression());
        TS_SQL_CHECK(sql::check_types(*part.hole));
        if (parser.current().kind != sql::TokenKind::rbrace) {
            if (parser.current().kind == sql::TokenKind::end)
                return unexpected(SqlError{hole_line, hole_column, "unterminated ${: expected }"});
            return unexpected(SqlError{parser.current().line, parser.current().column,
                                       "expected }, found " + sql::describe(parser.current())});
        }
        step(parser.current().offset + 1 - i);
        impl->parts.push_back(std::move(part));
        part = Impl::Part{};
    }
    if (!part.text.empty() || impl->parts.empty()) impl->parts.push_back(std::move(part));
    return Template(std::move(impl));
}

bool Template::has_holes() const {
    for (const auto& p : impl_->parts)
        if (p.hole) return true;
    return false;
}

Expected<std::string, std::string> Template::render(const nlohmann::json& row,
                                                    const MessageView& m) const {
    return render(row, m, [](std::string_view value, std::string_view) {
        return Expected<std::string, std::string>(std::string(value));
    });
}

Expected<std::string, std::string> Template::render(const nlohmann::json& row, const MessageView& m,
                                                    const HoleEncoder& encode) const {
    std::string out;
    sql::StepBudget budget;
    const sql::EvalContext ctx{&row, m, budget};
    for (const auto& p : impl_->parts) {
        out += p.text;
        if (!p.hole) continue;
        auto v = sql::evaluate(*p.hole, ctx);
        if (!v) return unexpected(v.error());
        auto text = encode(sql::to_text(v->get()), out);
        if (!text) return unexpected(text.error());
        out += *text;
    }
    return out;
}

}  // namespace ts::rules
