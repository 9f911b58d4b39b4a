// Compile-time checks: what is certain before any message arrives. A
// literal string in arithmetic, a number as a condition, or a constant
// argument a function can never take is reported with its location; all
// else is checked per message.
#include "rules/sql/functions.hpp"
#include "rules/sql/parse_try.hpp"
#include "rules/sql/parser.hpp"

namespace ts::rules::sql {

const char* to_string(Op op) {
    switch (op) {
        case Op::add:
            return "+";
        case Op::sub:
            return "-";
        case Op::mul:
            return "*";
        case Op::div:
            return "/";
        case Op::mod:
            return "%";
        case Op::eq:
            return "=";
        case Op::ne:
            return "!=";
        case Op::lt:
            return "<";
        case Op::le:
            return "<=";
        case Op::gt:
            return ">";
        case Op::ge:
            return ">=";
        case Op::and_:
            return "AND";
        case Op::or_:
            return "OR";
    }
    return "?";
}

const char* to_string(StaticType t) {
    switch (t) {
        case StaticType::any:
            return "a value";
        case StaticType::null:
            return "NULL";
        case StaticType::boolean:
            return "a boolean";
        case StaticType::number:
            return "a number";
        case StaticType::string:
            return "a string";
    }
    return "a value";
}

namespace {

StaticType literal_type(const json& j) {
    if (j.is_null()) return StaticType::null;
    if (j.is_boolean()) return StaticType::boolean;
    if (j.is_number()) return StaticType::number;
    if (j.is_string()) return StaticType::string;
    return StaticType::any;
}

SqlError at(const Node& n, std::string message) {
    return SqlError{n.line, n.column, std::move(message)};
}

Expected<void, SqlError> check_number(const Node& n, const std::string& who) {
    if (n.type == StaticType::string || n.type == StaticType::boolean)
        return unexpected(at(n, who + " needs numbers, found " + to_string(n.type)));
    return {};
}

// Constant arguments that the function would refuse on every message.
Expected<void, SqlError> check_call(const Node& n) {
    const std::string_view name = n.function->name;
    if (n.function->args == ArgCheck::numbers)
        for (const auto& a : n.children) TS_SQL_CHECK(check_number(*a, std::string(name) + "()"));
    if (n.children.empty() || n.children[0]->kind != NodeKind::literal) return {};
    const json& first = n.children[0]->literal;
    if (name == "topic" && !(first.is_number_integer() && first.get<std::int64_t>() >= 1))
        return unexpected(at(*n.children[0], "topic(n) needs a level number of 1 or more"));
    if (name == "payload" && first != "json")
        return unexpected(at(*n.children[0], "payload() takes no argument or 'json'"));
    if (name == "timestamp" && !first.is_string())
        return unexpected(at(*n.children[0], "timestamp(format) needs a format string"));
    return {};
}

}  // namespace

Expected<void, SqlError> check_condition(const Node& n, std::string_view what) {
    if (n.type == StaticType::number || n.type == StaticType::string)
        return unexpected(
            at(n, std::string(what) + " needs a boolean condition, found " + to_string(n.type)));
    return {};
}

Expected<void, SqlError> check_types(Node& n) {
    for (auto& c : n.children) TS_SQL_CHECK(check_types(*c));
    switch (n.kind) {
        case NodeKind::literal:
            n.type = literal_type(n.literal);
            break;
        case NodeKind::path:
            n.type = StaticType::any;
            break;
        case NodeKind::negate:
            if (n.children[0]->type == StaticType::string ||
                n.children[0]->type == StaticType::boolean)
                return unexpected(
                    at(*n.children[0], std::string("operator - needs a number, found ") +
                                           to_string(n.children[0]->type)));
            n.type = StaticType::number;
            break;
        case NodeKind::arith:
            for (const auto& c : n.children)
                TS_SQL_CHECK(check_number(*c, std::string("operator ") + to_string(n.op)));
            n.type = StaticType::number;
            break;
        case NodeKind::logical:
            for (const auto& c : n.children) TS_SQL_CHECK(check_condition(*c, to_string(n.op)));
            n.type = StaticType::boolean;
            break;
        case NodeKind::not_:
            TS_SQL_CHECK(check_condition(*n.children[0], "NOT"));
            n.type = StaticType::boolean;
            break;
        case NodeKind::compare:
        case NodeKind::in:
        case NodeKind::like:
        case NodeKind::is_null:
        case NodeKind::between:
            n.type = StaticType::boolean;
            break;
        case NodeKind::case_: {
            const std::size_t first = n.has_subject ? 1 : 0;
            const std::size_t pairs_end = n.children.size() - (n.has_else ? 1 : 0);
            if (!n.has_subject)
                for (std::size_t i = first; i < pairs_end; i += 2)
                    TS_SQL_CHECK(check_condition(*n.children[i], "WHEN"));
            n.type = StaticType::any;
            break;
        }
        case NodeKind::call:
            TS_SQL_CHECK(check_call(n));
            n.type = n.function->result;
            break;
        case NodeKind::cast:
            n.type = n.cast_type == CastType::string    ? StaticType::string
                     : n.cast_type == CastType::boolean ? StaticType::boolean
                                                        : StaticType::number;
            break;
    }
    return {};
}

}  // namespace ts::rules::sql
