// Query: compile a statement once, evaluate it per message.
#include "rules/sql/query.hpp"

#include "rules/sql/evaluator.hpp"
#include "rules/sql/parse_try.hpp"
#include "rules/sql/parser.hpp"
#include "rules/sql/utf8.hpp"

namespace ts::rules {

std::string SqlError::to_string() const {
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

namespace sql {

Expected<void, SqlError> check_source_text(std::string_view text, const char* what) {
    if (text.size() > kMaxSqlBytes)
        return unexpected(SqlError{
            1, 1,
            std::string(what) + " is longer than " + std::to_string(kMaxSqlBytes) + " bytes"});
    const std::size_t bad = find_invalid_utf8(text);
    if (bad == std::string_view::npos) return {};
    int line = 1, column = 1;
    for (std::size_t i = 0; i < bad; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++column;
        }
    }
    return unexpected(SqlError{line, column, "invalid UTF-8"});
}

}  // namespace sql

struct Query::Impl {
    sql::Statement statement;
};

Query::Query(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Query::Query(Query&&) noexcept = default;
Query& Query::operator=(Query&&) noexcept = default;
Query::~Query() = default;

Expected<Query, SqlError> Query::compile(std::string_view text) {
    TS_SQL_CHECK(sql::check_source_text(text, "the statement"));
    sql::Parser parser(text);
    TS_SQL_CHECK(parser.prime());
    TS_SQL_TRY(auto statement, parser.statement());
    auto impl = std::make_unique<Impl>();
    impl->statement = std::move(statement);
    return Query(std::move(impl));
}

const std::string& Query::source() const {
    return impl_->statement.source;
}

namespace {

// SELECT *: the payload object itself; any other payload (an array, a
// number, text that is not JSON) becomes {"payload": <value>}.
nlohmann::json whole_payload(const MessageView& m) {
    if (m.json != nullptr && m.json->is_object()) return *m.json;
    nlohmann::json row = nlohmann::json::object();
    if (m.json != nullptr)
        row["payload"] = *m.json;
    else
        row["payload"] = sql::repair_utf8(m.payload);
    return row;
}

}  // namespace

Expected<std::optional<nlohmann::json>, std::string> Query::evaluate(const MessageView& m) const {
    const sql::Statement& s = impl_->statement;
    sql::StepBudget budget;
    const sql::EvalContext ctx{m.json, m, budget};
    if (s.where) {
        auto t = sql::evaluate_condition(*s.where, ctx, "WHERE");
        if (!t) return unexpected(t.error());
        if (!t->value_or(false)) return std::optional<nlohmann::json>{};
    }
    nlohmann::json row = s.select_all ? whole_payload(m) : nlohmann::json::object();
    for (const sql::Column& c : s.columns) {
        auto v = sql::evaluate(*c.expr, ctx);
        if (!v) return unexpected(v.error());
        row[c.name] = std::move(*v).take();
    }
    return std::optional<nlohmann::json>(std::move(row));
}

}  // namespace ts::rules
