// Values of `thingstead sim`: whatever the walk does, validation accepts the
// value, numbers stay in range and move by their step (or 1-5% of the
// range), and bool/enum keys are the model's.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "app/sim/values.hpp"
#include "thing/thing_model.hpp"

namespace ts::app::sim {
namespace {

using nlohmann::json;
using thing::DataKind;
using thing::DataType;

constexpr int kSteps = 2000;

// Every data type the TSL has, with and without bounds, steps and lengths.
const char* kModel = R"({
  "properties": [
    {"identifier": "temperature", "name": "t", "accessMode": "rw",
     "dataType": {"type": "float", "specs": {"min": "-40", "max": "120", "unit": "C"}}},
    {"identifier": "level", "name": "l", "accessMode": "rw",
     "dataType": {"type": "int", "specs": {"min": "0", "max": "100", "step": "5"}}},
    {"identifier": "count", "name": "c", "accessMode": "r", "dataType": {"type": "int"}},
    {"identifier": "small", "name": "s", "accessMode": "r",
     "dataType": {"type": "int", "specs": {"min": "0", "max": "1"}}},
    {"identifier": "fixed", "name": "f", "accessMode": "r",
     "dataType": {"type": "int", "specs": {"min": "7", "max": "7"}}},
    {"identifier": "bigint", "name": "b", "accessMode": "r",
     "dataType": {"type": "int", "specs": {"min": "2147483600"}}},
    {"identifier": "ratio", "name": "r", "accessMode": "r",
     "dataType": {"type": "double", "specs": {"min": "0", "max": "1", "step": "0.01"}}},
    {"identifier": "tiny", "name": "t", "accessMode": "r",
     "dataType": {"type": "double", "specs": {"min": "0.001", "max": "0.002"}}},
    {"identifier": "below", "name": "b", "accessMode": "r",
     "dataType": {"type": "double", "specs": {"max": "-50.5"}}},
    {"identifier": "free", "name": "f", "accessMode": "r", "dataType": {"type": "float"}},
    {"identifier": "huge", "name": "h", "accessMode": "r",
     "dataType": {"type": "float", "specs": {"min": "-1e38", "max": "3.4e38"}}},
    {"identifier": "on", "name": "o", "accessMode": "rw",
     "dataType": {"type": "bool", "specs": {"0": "off", "1": "on"}}},
    {"identifier": "mode", "name": "m", "accessMode": "rw",
     "dataType": {"type": "enum", "specs": {"-3": "a", "0": "b", "7": "c", "12": "d"}}},
    {"identifier": "single", "name": "s", "accessMode": "rw",
     "dataType": {"type": "enum", "specs": {"4": "only"}}},
    {"identifier": "label", "name": "l", "accessMode": "rw",
     "dataType": {"type": "text", "specs": {"length": "3"}}},
    {"identifier": "note", "name": "n", "accessMode": "rw", "dataType": {"type": "text"}},
    {"identifier": "at", "name": "a", "accessMode": "r", "dataType": {"type": "date"}},
    {"identifier": "pos", "name": "p", "accessMode": "r",
     "dataType": {"type": "struct", "specs": [
       {"identifier": "lat", "name": "lat",
        "dataType": {"type": "double", "specs": {"min": "-90", "max": "90"}}},
       {"identifier": "name", "name": "n", "dataType": {"type": "text", "specs": {"length": "8"}}},
       {"identifier": "kind", "name": "k",
        "dataType": {"type": "enum", "specs": {"1": "x", "2": "y"}}},
       {"identifier": "tags", "name": "t",
        "dataType": {"type": "array", "specs": {"size": "2", "item": {"type": "text"}}}}
     ]}},
    {"identifier": "readings", "name": "r", "accessMode": "r",
     "dataType": {"type": "array", "specs": {"size": "10",
       "item": {"type": "int", "specs": {"min": "-5", "max": "5"}}}}},
    {"identifier": "one", "name": "o", "accessMode": "r",
     "dataType": {"type": "array", "specs": {"size": "1", "item": {"type": "float"}}}},
    {"identifier": "points", "name": "p", "accessMode": "r",
     "dataType": {"type": "array", "specs": {"size": "4", "item": {"type": "struct", "specs": [
       {"identifier": "x", "name": "x", "dataType": {"type": "int", "specs": {"min": "0", "max": "9"}}},
       {"identifier": "on", "name": "on", "dataType": {"type": "bool", "specs": {"0": "n", "1": "y"}}}
     ]}}}}
  ],
  "events": [
    {"identifier": "alarm", "name": "a", "type": "alert",
     "outputData": [
       {"identifier": "level", "name": "l", "dataType": {"type": "int", "specs": {"min": "0", "max": "5"}}},
       {"identifier": "why", "name": "w", "dataType": {"type": "text", "specs": {"length": "4"}}}
     ]}
  ],
  "services": []
})";

thing::ThingModelPtr model() {
    static const thing::ThingModelPtr m = [] {
        auto r = thing::parse_thing_model(kModel);
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().path + ": " + r.error().message);
        return r ? *r : nullptr;
    }();
    return m;
}

const DataType& type_of(std::string_view id) {
    const auto* p = model()->find_property(id);
    EXPECT_NE(p, nullptr) << id;
    return p->data_type;
}

std::string why(const DataType& type, const json& v, std::string_view id) {
    auto e = thing::validate_value(type, v, id);
    return e ? e->message : "";
}

TEST(SimValues, EveryWalkOfEveryTypeValidates) {
    ASSERT_NE(model(), nullptr);
    for (std::uint64_t seed : {1u, 2u, 99u}) {
        Rng rng(seed);
        for (const auto& p : model()->properties) {
            json v = random_value(p.data_type, rng);
            ASSERT_EQ(why(p.data_type, v, p.identifier), "") << v.dump();
            for (int i = 0; i < kSteps; ++i) {
                v = next_value(p.data_type, v, rng);
                ASSERT_EQ(why(p.data_type, v, p.identifier), "") << v.dump() << " step " << i;
            }
        }
    }
}

TEST(SimValues, FreshValuesValidate) {
    Rng rng(7);
    for (const auto& p : model()->properties) {
        for (int i = 0; i < 500; ++i) {
            const json v = random_value(p.data_type, rng);
            ASSERT_EQ(why(p.data_type, v, p.identifier), "") << v.dump();
        }
    }
}

TEST(SimValues, NumbersStayInRangeAndMoveByOneToFivePercent) {
    Rng rng(3);
    const auto& t = type_of("temperature");
    json v = random_value(t, rng);
    bool moved = false;
    for (int i = 0; i < kSteps; ++i) {
        const json next = next_value(t, v, rng);
        ASSERT_TRUE(next.is_number_float());
        const double d = next.get<double>();
        ASSERT_GE(d, -40.0);
        ASSERT_LE(d, 120.0);
        // 5% of 160 is 8; one decimal of rounding on top.
        ASSERT_LE(std::fabs(d - v.get<double>()), 8.0 + 0.05 + 1e-9);
        moved = moved || d != v.get<double>();
        v = next;
    }
    EXPECT_TRUE(moved);
}

TEST(SimValues, StepsAreTheStepSize) {
    Rng rng(11);
    const auto& t = type_of("level");  // int 0..100 step 5
    json v = random_value(t, rng);
    for (int i = 0; i < kSteps; ++i) {
        ASSERT_TRUE(v.is_number_integer());
        const auto n = v.get<std::int64_t>();
        ASSERT_GE(n, 0);
        ASSERT_LE(n, 100);
        ASSERT_EQ(n % 5, 0) << n;
        const json next = next_value(t, v, rng);
        ASSERT_EQ(std::llabs(next.get<std::int64_t>() - n), 5);
        v = next;
    }
    const auto& r = type_of("ratio");  // double 0..1 step 0.01
    v = random_value(r, rng);
    for (int i = 0; i < kSteps; ++i) {
        const json next = next_value(r, v, rng);
        ASSERT_NEAR(std::fabs(next.get<double>() - v.get<double>()), 0.01, 1e-9);
        ASSERT_GE(next.get<double>(), 0.0);
        ASSERT_LE(next.get<double>(), 1.0);
        v = next;
    }
}

TEST(SimValues, RangesWithOneBoundOrNone) {
    EXPECT_EQ(number_range(type_of("count")).lo, 0);
    EXPECT_EQ(number_range(type_of("count")).hi, 100);
    EXPECT_EQ(number_range(type_of("below")).lo, -150.5);
    EXPECT_EQ(number_range(type_of("below")).hi, -50.5);
    // min + 100 would leave int32: the window stops at its end.
    EXPECT_EQ(number_range(type_of("bigint")).lo, 2147483600.0);
    EXPECT_EQ(number_range(type_of("bigint")).hi, 2147483647.0);
    // Floats stop at float's largest value.
    EXPECT_LE(number_range(type_of("huge")).hi, 3.4028235e38);

    Rng rng(5);
    json v = random_value(type_of("fixed"), rng);
    for (int i = 0; i < 50; ++i) {
        ASSERT_EQ(v, 7);
        v = next_value(type_of("fixed"), v, rng);
    }
}

TEST(SimValues, ValidValueSetFromOutsideTheWindowWalksOnValidly) {
    Rng rng(8);
    const auto& t = type_of("count");  // int without bounds: window 0..100
    json v = 100000;
    for (int i = 0; i < 200; ++i) {
        v = next_value(t, v, rng);
        ASSERT_EQ(why(t, v, "count"), "");
    }
    // And an invalid current value is replaced.
    EXPECT_EQ(why(type_of("temperature"), next_value(type_of("temperature"), "hot", rng), "t"), "");
    EXPECT_EQ(why(type_of("mode"), next_value(type_of("mode"), 5, rng), "m"), "");
}

TEST(SimValues, BoolAndEnumKeysAreTheModelsAndSwitchNowAndThen) {
    Rng rng(13);
    const auto& mode = type_of("mode");
    const std::set<std::int64_t> keys{-3, 0, 7, 12};
    std::set<std::int64_t> seen;
    json v = random_value(mode, rng);
    int switches = 0;
    for (int i = 0; i < kSteps; ++i) {
        ASSERT_TRUE(v.is_number_integer());
        ASSERT_TRUE(keys.contains(v.get<std::int64_t>())) << v;
        seen.insert(v.get<std::int64_t>());
        const json next = next_value(mode, v, rng);
        switches += next != v;
        v = next;
    }
    EXPECT_EQ(seen, keys);
    // About one in ten.
    EXPECT_GT(switches, kSteps / 20);
    EXPECT_LT(switches, kSteps / 5);

    const auto& on = type_of("on");
    v = random_value(on, rng);
    std::set<std::int64_t> bools;
    for (int i = 0; i < 500; ++i) {
        ASSERT_TRUE(v == 0 || v == 1) << v;
        bools.insert(v.get<std::int64_t>());
        v = next_value(on, v, rng);
    }
    EXPECT_EQ(bools, (std::set<std::int64_t>{0, 1}));
    // A bool set as true/false walks on as 0/1.
    EXPECT_TRUE(next_value(on, true, rng).is_number_integer());

    v = random_value(type_of("single"), rng);
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(v, 4);
        v = next_value(type_of("single"), v, rng);
    }
}

TEST(SimValues, TextDateStructAndArrayShapes) {
    Rng rng(17);
    for (int i = 0; i < 300; ++i) {
        const json label = random_value(type_of("label"), rng);
        ASSERT_TRUE(label.is_string());
        ASSERT_GE(label.get<std::string>().size(), 1u);
        ASSERT_LE(label.get<std::string>().size(), 3u);

        const json at = random_value(type_of("at"), rng);
        ASSERT_TRUE(at.is_string());
        ASSERT_GT(std::stoll(at.get<std::string>()), 1'600'000'000'000);

        const json pos = random_value(type_of("pos"), rng);
        ASSERT_TRUE(pos.is_object());
        for (const char* member : {"lat", "name", "kind", "tags"})
            ASSERT_TRUE(pos.contains(member)) << pos;

        const json readings = random_value(type_of("readings"), rng);
        ASSERT_TRUE(readings.is_array());
        ASSERT_GE(readings.size(), 1u);
        ASSERT_LE(readings.size(), 3u);  // "a few"

        ASSERT_EQ(random_value(type_of("one"), rng).size(), 1u);
    }
    // Array items walk too, and keep their count.
    json r = random_value(type_of("readings"), rng);
    const auto n = r.size();
    for (int i = 0; i < 100; ++i) r = next_value(type_of("readings"), r, rng);
    EXPECT_EQ(r.size(), n);
}

TEST(SimValues, RandomParamsValidateAgainstTheirList) {
    Rng rng(19);
    const auto* e = model()->find_event("alarm");
    ASSERT_NE(e, nullptr);
    for (int i = 0; i < 500; ++i) {
        const json params = random_params(e->output, rng);
        ASSERT_EQ(params.size(), 2u);
        auto err = thing::validate_params(e->output, params);
        ASSERT_FALSE(err.has_value()) << err->message << " " << params.dump();
    }
    EXPECT_EQ(random_params({}, rng), json::object());
}

TEST(SimValues, TheSameSeedGivesTheSameValues) {
    Rng a(42), b(42);
    const auto& t = type_of("temperature");
    json va = random_value(t, a), vb = random_value(t, b);
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(va, vb);
        va = next_value(t, va, a);
        vb = next_value(t, vb, b);
    }
}

TEST(SimValues, HandBuiltTypesWithoutSpecs) {
    Rng rng(23);
    for (DataKind kind : {DataKind::Int, DataKind::Float, DataKind::Double, DataKind::Text,
                          DataKind::Date, DataKind::Bool}) {
        DataType t;
        t.kind = kind;
        json v;
        for (int i = 0; i < 200; ++i) {
            v = next_value(t, v, rng);
            ASSERT_EQ(why(t, v, "x"), "") << thing::to_string(kind) << " " << v.dump();
        }
    }
}

}  // namespace
}  // namespace ts::app::sim
