#pragma once
// Values for simulated devices: random, always valid for their TSL data type
// (thing::validate_value accepts every one), and moving as a random walk from
// one post to the next so that charts of them look like sensors.
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "thing/thing_model.hpp"

namespace ts::app::sim {

using Rng = std::mt19937_64;

struct NumberRange {
    double lo = 0;
    double hi = 0;
};

// Where fresh numbers of `type` (int, float, double) are drawn: min..max when
// the model gives both, a window 100 wide at the one bound it gives, 0..100
// when it gives none; always inside what validation accepts (int32 for ints,
// float's range for floats).
NumberRange number_range(const thing::DataType& type);

// A valid value for `type`, drawn afresh. Dates are the current time.
nlohmann::json random_value(const thing::DataType& type, Rng& rng);

// The value after `current`: numbers move up or down by their step (or 1-5%
// of their range when there is none) and stay in range; bools and enums switch
// to another key about one time in ten; text mostly keeps its value; dates are
// now; struct members and array items each take their own walk. A `current`
// that does not fit the type (null, say) is replaced by a fresh value.
nlohmann::json next_value(const thing::DataType& type, const nlohmann::json& current, Rng& rng);

// An object with a valid value for every parameter (event output, service
// output).
nlohmann::json random_params(const std::vector<thing::Param>& params, Rng& rng);

}  // namespace ts::app::sim
