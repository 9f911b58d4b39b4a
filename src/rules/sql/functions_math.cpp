// Math functions. NULL in gives NULL out; results that are not finite
// (sqrt(-1), log(0), overflow) are NULL too.
#include <array>
#include <cmath>
#include <limits>

#include "rules/sql/functions.hpp"
#include "rules/sql/value_ops.hpp"

namespace ts::rules::sql {

namespace {

// The numbers of a call, or an error naming the function.
template <std::size_t N>
std::optional<std::array<Number, N>> numbers(std::span<const Value> args, bool& has_null,
                                             std::string& error, const char* fn) {
    std::array<Number, N> out{};
    for (std::size_t i = 0; i < N; ++i) {
        if (args[i].is_null()) {
            has_null = true;
            continue;
        }
        auto n = as_number(args[i].get());
        if (!n) {
            error = std::string(fn) + "() needs numbers, found " + type_name(args[i].get());
            return std::nullopt;
        }
        out[i] = *n;
    }
    return out;
}

// Wrappers: the address of a standard library function may not be taken.
double f_abs(double x) {
    return std::fabs(x);
}
double f_floor(double x) {
    return std::floor(x);
}
double f_ceil(double x) {
    return std::ceil(x);
}
double f_round(double x) {
    return std::round(x);
}
double f_sqrt(double x) {
    return std::sqrt(x);
}
double f_log(double x) {
    return std::log(x);
}
double f_log10(double x) {
    return std::log10(x);
}

Value real(double d) {
    return Value::own(to_json(Number{false, 0, d}));
}

template <double (*F)(double)>
Result unary_real(const CallContext&, std::span<const Value> args, const char* fn) {
    bool has_null = false;
    std::string error;
    auto n = numbers<1>(args, has_null, error, fn);
    if (!n) return unexpected(std::move(error));
    if (has_null) return null_value();
    return real(F((*n)[0].as_double()));
}

Result abs_fn(const CallContext& ctx, std::span<const Value> args) {
    auto n = as_number(args[0].get());
    if (n && n->is_integer && n->i != std::numeric_limits<std::int64_t>::min())
        return Value::own(n->i < 0 ? -n->i : n->i);
    return unary_real<f_abs>(ctx, args, "abs");
}

// Integers are already whole: floor/ceil/round keep them as they are.
template <double (*F)(double)>
Result whole(const CallContext& ctx, std::span<const Value> args, const char* fn) {
    auto n = as_number(args[0].get());
    if (n && n->is_integer) return Value::own(n->i);
    auto r = unary_real<F>(ctx, args, fn);
    // A whole double that fits becomes an integer: floor(2.5) is 2, not 2.0.
    if (r && r->get().is_number_float()) {
        const double d = as_number(r->get())->d;
        if (d >= -9.2e18 && d <= 9.2e18) return Value::own(static_cast<std::int64_t>(d));
    }
    return r;
}

Result floor_fn(const CallContext& c, std::span<const Value> a) {
    return whole<f_floor>(c, a, "floor");
}
Result ceil_fn(const CallContext& c, std::span<const Value> a) {
    return whole<f_ceil>(c, a, "ceil");
}
Result sqrt_fn(const CallContext& c, std::span<const Value> a) {
    return unary_real<f_sqrt>(c, a, "sqrt");
}
Result log_fn(const CallContext& c, std::span<const Value> a) {
    return unary_real<f_log>(c, a, "log");
}
Result log10_fn(const CallContext& c, std::span<const Value> a) {
    return unary_real<f_log10>(c, a, "log10");
}

// round(x): to the nearest integer (halves away from zero);
// round(x, digits): a double with that many decimals.
Result round_fn(const CallContext& ctx, std::span<const Value> args) {
    if (args.size() == 1) return whole<f_round>(ctx, args, "round");
    bool has_null = false;
    std::string error;
    auto n = numbers<2>(args, has_null, error, "round");
    if (!n) return unexpected(std::move(error));
    if (has_null) return null_value();
    const Number x = (*n)[0], digits = (*n)[1];
    if (!digits.is_integer || digits.i < 0 || digits.i > 15)
        return unexpected(std::string("round() needs 0 to 15 digits"));
    if (x.is_integer) return Value::own(x.i);
    const double scale = std::pow(10.0, static_cast<double>(digits.i));
    const double scaled = x.d * scale;
    if (!std::isfinite(scaled) || std::fabs(scaled) > 9e15) return real(x.d);  // no fraction left
    return real(std::round(scaled) / scale);
}

Result power_fn(const CallContext&, std::span<const Value> args) {
    bool has_null = false;
    std::string error;
    auto n = numbers<2>(args, has_null, error, "power");
    if (!n) return unexpected(std::move(error));
    if (has_null) return null_value();
    return real(std::pow((*n)[0].as_double(), (*n)[1].as_double()));
}

Result mod_fn(const CallContext&, std::span<const Value> args) {
    return arithmetic(Op::mod, args[0].get(), args[1].get());
}

// min/max of the arguments, skipping NULLs (NULL when all are).
template <bool Max>
Result extreme(const CallContext&, std::span<const Value> args) {
    const Value* best = nullptr;
    for (const Value& v : args) {
        if (v.is_null()) continue;
        if (!as_number(v.get()))
            return unexpected(std::string(Max ? "max" : "min") + "() needs numbers, found " +
                              type_name(v.get()));
        if (!best || compare(Max ? Op::gt : Op::lt, v.get(), best->get()).value_or(false))
            best = &v;
    }
    if (!best) return null_value();
    return Value::own(best->get());
}

constexpr auto N = StaticType::number;
constexpr auto Num = ArgCheck::numbers;

constexpr std::array kFunctions{
    FunctionSpec{"abs", 1, 1, Num, N, abs_fn},
    FunctionSpec{"round", 1, 2, Num, N, round_fn},
    FunctionSpec{"floor", 1, 1, Num, N, floor_fn},
    FunctionSpec{"ceil", 1, 1, Num, N, ceil_fn},
    FunctionSpec{"sqrt", 1, 1, Num, N, sqrt_fn},
    FunctionSpec{"power", 2, 2, Num, N, power_fn},
    FunctionSpec{"log", 1, 1, Num, N, log_fn},
    FunctionSpec{"log10", 1, 1, Num, N, log10_fn},
    FunctionSpec{"mod", 2, 2, Num, N, mod_fn},
    FunctionSpec{"min", 1, kMaxArgs, Num, N, extreme<false>},
    FunctionSpec{"max", 1, kMaxArgs, Num, N, extreme<true>},
};

}  // namespace

std::span<const FunctionSpec> math_functions() {
    return kFunctions;
}

}  // namespace ts::rules::sql
