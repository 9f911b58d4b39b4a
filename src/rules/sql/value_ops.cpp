#include "rules/sql/value_ops.hpp"

#include <cmath>
#include <limits>

#include "rules/sql/utf8.hpp"

namespace ts::rules::sql {

json truth_json(Truth t) {
    if (!t) return nullptr;
    return *t;
}

namespace {

std::string needs_numbers(Op op, const json& bad) {
    return std::string("operator ") + to_string(op) + " needs numbers, found " + type_name(bad);
}

// Integer arithmetic, or nullopt when the result does not fit an int64 (the
// caller then redoes it in double).
std::optional<std::int64_t> integer_op(Op op, std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    switch (op) {
        case Op::add:
            if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
            return r;
        case Op::sub:
            if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
            return r;
        case Op::mul:
            if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
            return r;
        case Op::div:
            // Exact quotients stay integers (10 / 2 = 5); others are doubles.
            if (a == std::numeric_limits<std::int64_t>::min() && b == -1) return std::nullopt;
            if (a % b != 0) return std::nullopt;
            return a / b;
        case Op::mod:
            if (b == -1) return 0;  // INT64_MIN % -1 overflows in C++
            return a % b;
        default:
            return std::nullopt;
    }
}

}  // namespace

Result arithmetic(Op op, const json& a, const json& b) {
    const auto x = as_number(a);
    if (!x && !a.is_null()) return unexpected(needs_numbers(op, a));
    const auto y = as_number(b);
    if (!y && !b.is_null()) return unexpected(needs_numbers(op, b));
    if (!x || !y) return null_value();
    const bool zero = y->is_integer ? y->i == 0 : y->d == 0.0;
    if ((op == Op::div || op == Op::mod) && zero) return null_value();
    if (x->is_integer && y->is_integer) {
        if (auto r = integer_op(op, x->i, y->i)) return Value::own(*r);
    }
    const double p = x->as_double(), q = y->as_double();
    double r = 0;
    switch (op) {
        case Op::add:
            r = p + q;
            break;
        case Op::sub:
            r = p - q;
            break;
        case Op::mul:
            r = p * q;
            break;
        case Op::div:
            r = p / q;
            break;
        case Op::mod:
            r = std::fmod(p, q);
            break;
        default:
            break;
    }
    return Value::own(to_json(Number{false, 0, r}));
}

Result negate(const json& a) {
    if (a.is_null()) return null_value();
    const auto x = as_number(a);
    if (!x) return unexpected(std::string("operator - needs a number, found ") + type_name(a));
    if (x->is_integer && x->i != std::numeric_limits<std::int64_t>::min()) return Value::own(-x->i);
    return Value::own(to_json(Number{false, 0, -x->as_double()}));
}

namespace {

// -1, 0, 1; exact across int64 and double (long double holds any int64 on
// x86-64 and AArch64).
int order(const Number& x, const Number& y) {
    if (x.is_integer && y.is_integer) return x.i < y.i ? -1 : (x.i > y.i ? 1 : 0);
    const long double p = x.is_integer ? static_cast<long double>(x.i) : x.d;
    const long double q = y.is_integer ? static_cast<long double>(y.i) : y.d;
    return p < q ? -1 : (p > q ? 1 : 0);
}

// The number a loose comparison reads from a value: numbers, numeric
// strings, booleans.
std::optional<Number> loose_number(const json& j) {
    if (auto n = as_number(j)) return n;
    if (j.is_string()) return parse_number(j.get_ref<const std::string&>());
    if (j.is_boolean()) return Number{true, j.get<bool>() ? 1 : 0, 0};
    return std::nullopt;
}

Truth from_order(Op op, int c) {
    switch (op) {
        case Op::eq:
            return c == 0;
        case Op::ne:
            return c != 0;
        case Op::lt:
            return c < 0;
        case Op::le:
            return c <= 0;
        case Op::gt:
            return c > 0;
        case Op::ge:
            return c >= 0;
        default:
            return std::nullopt;
    }
}

}  // namespace

Truth compare(Op op, const json& a, const json& b) {
    if (a.is_null() || b.is_null()) return std::nullopt;
    if (a.is_string() && b.is_string()) {
        const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
        return from_order(op, c < 0 ? -1 : (c > 0 ? 1 : 0));
    }
    if (a.is_boolean() && b.is_boolean())
        return from_order(op, static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>()));
    if (a.is_number() || b.is_number()) {
        const auto x = loose_number(a);
        const auto y = loose_number(b);
        if (x && y) return from_order(op, order(*x, *y));
    }
    // Mixed or structured values: equality only.
    if (op == Op::eq) return a == b;
    if (op == Op::ne) return a != b;
    return std::nullopt;
}

}  // namespace ts::rules::sql
