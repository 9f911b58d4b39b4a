// Random walks over TSL data types. Every value is shaped last (rounded,
// clamped into range) so that validation holds whatever the walk did.
#include "app/sim/values.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace ts::app::sim {
namespace {

using nlohmann::json;
using thing::DataKind;
using thing::DataType;

constexpr double kWindow = 100;        // width of the range of a number with one bound or none
constexpr double kSwitchChance = 0.1;  // bools, enums and text change about one post in ten
constexpr std::size_t kMaxArrayItems = 3;
constexpr int kMaxDecimals = 6;

double uniform(Rng& rng, double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

std::int64_t uniform_int(Rng& rng, std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

bool chance(Rng& rng, double p) {
    return std::bernoulli_distribution(p)(rng);
}

bool fits(const DataType& type, const json& value) {
    return !thing::validate_value(type, value, "value");
}

// What validation accepts for numbers of this kind. Doubles stop at half the
// largest double so that hi - lo stays finite.
NumberRange limits(DataKind kind) {
    switch (kind) {
        case DataKind::Int:
            return {static_cast<double>(std::numeric_limits<std::int32_t>::min()),
                    static_cast<double>(std::numeric_limits<std::int32_t>::max())};
        case DataKind::Float:
            return {-std::numeric_limits<float>::max(), std::numeric_limits<float>::max()};
        default:
            return {-std::numeric_limits<double>::max() / 2,
                    std::numeric_limits<double>::max() / 2};
    }
}

// The fewest decimals (at most kMaxDecimals) that write `x`.
int decimals_of(double x) {
    for (int d = 0; d < kMaxDecimals; ++d) {
        const double scaled = x * std::pow(10.0, d);
        if (std::fabs(scaled - std::round(scaled)) <= 1e-9 * std::max(1.0, std::fabs(scaled)))
            return d;
    }
    return kMaxDecimals;
}

// Decimals a real value is rounded to: those of the step (and of the lower
// bound the steps start from), else about four significant digits of the range.
int decimals_for(const DataType& type, NumberRange window) {
    if (type.step) return std::max(decimals_of(*type.step), decimals_of(window.lo));
    const double width = window.hi - window.lo;
    if (!(width > 0)) return decimals_of(window.lo);
    return std::clamp(3 - static_cast<int>(std::floor(std::log10(width))), 0, kMaxDecimals);
}

double round_to(double v, int decimals) {
    if (std::fabs(v) >= 1e15) return v;
    const double f = std::pow(10.0, decimals);
    const double r = std::round(v * f) / f;
    return std::isfinite(r) ? r : v;
}

// `v` as the JSON number of the type, inside `bounds`.
json make_number(const DataType& type, double v, NumberRange bounds, NumberRange window) {
    if (type.kind == DataKind::Int) {
        const double lo = std::ceil(bounds.lo);
        const double hi = std::max(lo, std::floor(bounds.hi));
        return static_cast<std::int64_t>(std::clamp(std::round(v), lo, hi));
    }
    return std::clamp(round_to(v, decimals_for(type, window)), bounds.lo, bounds.hi);
}

double fresh_number(const DataType& type, NumberRange r, Rng& rng) {
    if (!(r.hi > r.lo)) return r.lo;
    if (type.step) {
        const double slots = std::floor((r.hi - r.lo) / *type.step);
        const double k = std::min(slots, std::floor(uniform(rng, 0, slots + 1)));
        return r.lo + k * *type.step;
    }
    if (type.kind == DataKind::Int)
        return static_cast<double>(
            uniform_int(rng, static_cast<std::int64_t>(r.lo), static_cast<std::int64_t>(r.hi)));
    return uniform(rng, r.lo, r.hi);
}

json walk_number(const DataType& type, const json& current, Rng& rng) {
    const NumberRange window = number_range(type);
    if (!current.is_number() || !fits(type, current))
        return make_number(type, fresh_number(type, window, rng), window, window);
    // A value set from outside the window (but valid) walks on from there.
    const double v = current.get<double>();
    const NumberRange bounds{std::min(window.lo, v), std::max(window.hi, v)};
    double delta = type.step ? *type.step : (window.hi - window.lo) * uniform(rng, 0.01, 0.05);
    if (type.kind == DataKind::Int && !type.step) delta = std::max(1.0, std::round(delta));
    double next = chance(rng, 0.5) ? v + delta : v - delta;
    if (next > bounds.hi || next < bounds.lo) next = 2 * v - next;  // the other way
    return make_number(type, std::clamp(next, bounds.lo, bounds.hi), bounds, window);
}

// Bool and enum keys; a bool without labels still has 0 and 1.
std::vector<std::int64_t> keys_of(const DataType& type) {
    std::vector<std::int64_t> keys;
    for (const auto& [key, label] : type.values) keys.push_back(key);
    if (keys.empty() && type.kind == DataKind::Bool) keys = {0, 1};
    return keys;
}

json walk_key(const DataType& type, const json& current, Rng& rng) {
    const auto keys = keys_of(type);
    if (keys.empty()) return 0;
    if (!fits(type, current)) return keys[uniform_int(rng, 0, std::ssize(keys) - 1)];
    const std::int64_t now =
        current.is_boolean() ? current.get<bool>() : current.get<std::int64_t>();
    if (keys.size() < 2 || !chance(rng, kSwitchChance)) return now;
    // Another key: draw among the others by skipping over the current one.
    auto i = uniform_int(rng, 0, std::ssize(keys) - 2);
    if (keys[i] >= now) ++i;
    return keys[i];
}

json random_text(const DataType& type, Rng& rng) {
    static constexpr std::array<const char*, 8> kWords{"idle", "ok",  "busy",  "warm",
                                                       "eco",  "run", "sleep", "boost"};
    std::string s = kWords[uniform_int(rng, 0, kWords.size() - 1)];
    s += "-" + std::to_string(uniform_int(rng, 100, 999));
    if (s.size() > type.length) s.resize(type.length);
    return s;
}

json walk_text(const DataType& type, const json& current, Rng& rng) {
    if (fits(type, current) && !chance(rng, kSwitchChance)) return current;
    return random_text(type, rng);
}

json now_date() {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    return std::to_string(ms);
}

json walk_struct(const DataType& type, const json& current, Rng& rng) {
    json out = json::object();
    for (const auto& field : type.fields) {
        const bool known = current.is_object() && current.contains(field.identifier);
        out[field.identifier] = known ? next_value(field.data_type, current[field.identifier], rng)
                                      : random_value(field.data_type, rng);
    }
    return out;
}

json walk_array(const DataType& type, const json& current, Rng& rng) {
    json out = json::array();
    if (!type.item || type.size == 0) return out;
    const bool keep = current.is_array() && !current.empty() && current.size() <= type.size;
    const std::size_t n =
        keep ? current.size()
             : static_cast<std::size_t>(uniform_int(
                   rng, 1, static_cast<std::int64_t>(std::min(type.size, kMaxArrayItems))));
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(keep ? next_value(*type.item, current[i], rng)
                           : random_value(*type.item, rng));
    return out;
}

}  // namespace

NumberRange number_range(const DataType& type) {
    const NumberRange lim = limits(type.kind);
    NumberRange r;
    if (type.min && type.max)
        r = {*type.min, *type.max};
    else if (type.min)
        r = {*type.min, *type.min + kWindow};
    else if (type.max)
        r = {*type.max - kWindow, *type.max};
    else
        r = {0, kWindow};
    r.lo = std::clamp(r.lo, lim.lo, lim.hi);
    r.hi = std::clamp(r.hi, lim.lo, lim.hi);
    if (type.kind == DataKind::Int) {
        r.lo = std::ceil(r.lo);
        r.hi = std::floor(r.hi);
    }
    if (r.hi < r.lo) r.hi = r.lo;
    return r;
}

json random_value(const DataType& type, Rng& rng) {
    return next_value(type, json(), rng);
}

json next_value(const DataType& type, const json& current, Rng& rng) {
    switch (type.kind) {
        case DataKind::Int:
        case DataKind::Float:
        case DataKind::Double:
            return walk_number(type, current, rng);
        case DataKind::Text:
            return walk_text(type, current, rng);
        case DataKind::Date:
            return now_date();
        case DataKind::Bool:
        case DataKind::Enum:
            return walk_key(type, current, rng);
        case DataKind::Struct:
            return walk_struct(type, current, rng);
        case DataKind::Array:
            return walk_array(type, current, rng);
    }
    return json();
}

json random_params(const std::vector<thing::Param>& params, Rng& rng) {
    json out = json::object();
    for (const auto& p : params) out[p.identifier] = random_value(p.data_type, rng);
    return out;
}

}  // namespace ts::app::sim
