#pragma once
// What the props scenario will do, worked out before any socket is opened:
// the thing model it creates, the numeric properties each post carries, how
// many posts a device may have outstanding, and the devices' topics. Pure,
// so it is unit-tested alone.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "app/bench/options.hpp"
#include "core/expected.hpp"

namespace ts::app::bench {

// A property the bench can post values for: int, float or double with its
// range (the model's min/max, or 0..100 where it gives none).
struct NumericProperty {
    std::string identifier;
    bool integer = false;
    double min = 0, max = 100;
};

// The model a new bench product gets: `count` properties alternating
// temperature (float -40..120 °C) and humidity (int 0..100 %), suffixed
// _2, _3, ... after the first pair.
nlohmann::json bench_thing_model(std::size_t count);

// The int/float/double properties of a TSL document, in its order.
std::vector<NumericProperty> numeric_properties(const nlohmann::json& tsl);

struct PropsPlan {
    std::size_t devices = 0;
    // Posts a device may have without a reply; 0 = no cap (paced runs are
    // open loop, as in p2p: a slow platform must not slow the offered load).
    std::size_t window = 0;
    std::vector<NumericProperty> properties;  // the --values posted each time
};

// Flat out, the window is --inflight when given, else 1. The error says
// why the model cannot carry --values values.
Expected<PropsPlan, std::string> make_props_plan(const BenchOptions& o, const nlohmann::json& tsl);

std::string property_post_topic(std::string_view pk, std::string_view dn);
std::string property_post_reply_topic(std::string_view pk, std::string_view dn);

// Posts without a reply; never negative.
inline std::uint64_t props_lost(std::uint64_t sent, std::uint64_t replied) {
    return replied < sent ? sent - replied : 0;
}

}  // namespace ts::app::bench
