#include "app/bench/props_plan.hpp"

#include <cstdlib>
#include <optional>

namespace ts::app::bench {

namespace {

// TSL specs carry numbers as strings ("-40"); numbers are accepted too.
std::optional<double> spec_number(const nlohmann::json& specs, const char* key) {
    const auto it = specs.find(key);
    if (it == specs.end()) return std::nullopt;
    if (it->is_number()) return it->get<double>();
    if (!it->is_string()) return std::nullopt;
    const auto& s = it->get_ref<const std::string&>();
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
    return v;
}

nlohmann::json property(const std::string& id, const char* name, const char* type, const char* min,
                        const char* max, const char* unit) {
    return {
        {"identifier", id},
        {"name", name},
        {"accessMode", "r"},
        {"dataType", {{"type", type}, {"specs", {{"min", min}, {"max", max}, {"unit", unit}}}}}};
}

}  // namespace

nlohmann::json bench_thing_model(std::size_t count) {
    auto props = nlohmann::json::array();
    for (std::size_t i = 0; i < count; ++i) {
        const auto pair = i / 2;
        const std::string suffix = pair == 0 ? "" : "_" + std::to_string(pair + 1);
        if (i % 2 == 0)
            props.push_back(
                property("temperature" + suffix, "Temperature", "float", "-40", "120", "°C"));
        else
            props.push_back(property("humidity" + suffix, "Humidity", "int", "0", "100", "%"));
    }
    return {{"properties", std::move(props)},
            {"events", nlohmann::json::array()},
            {"services", nlohmann::json::array()}};
}

std::vector<NumericProperty> numeric_properties(const nlohmann::json& tsl) {
    std::vector<NumericProperty> out;
    const auto props = tsl.find("properties");
    if (props == tsl.end() || !props->is_array()) return out;
    for (const auto& p : *props) {
        const auto id = p.value("identifier", "");
        const auto dt = p.find("dataType");
        if (id.empty() || dt == p.end() || !dt->is_object()) continue;
        const auto type = dt->value("type", "");
        if (type != "int" && type != "float" && type != "double") continue;
        NumericProperty n;
        n.identifier = id;
        n.integer = type == "int";
        const auto specs = dt->find("specs");
        const auto min =
            specs != dt->end() && specs->is_object() ? spec_number(*specs, "min") : std::nullopt;
        const auto max =
            specs != dt->end() && specs->is_object() ? spec_number(*specs, "max") : std::nullopt;
        // One bound alone: a hundred units on the other side.
        n.min = min ? *min : (max ? *max - 100 : 0);
        n.max = max ? *max : n.min + 100;
        if (n.max < n.min) continue;  // a model the platform would refuse anyway
        out.push_back(std::move(n));
    }
    return out;
}

Expected<PropsPlan, std::string> make_props_plan(const BenchOptions& o, const nlohmann::json& tsl) {
    if (o.devices == 0) return unexpected(std::string("--devices must be at least 1"));
    if (o.values == 0) return unexpected(std::string("--values must be at least 1"));
    if (o.qos != 0 && o.qos != 1) return unexpected(std::string("--qos must be 0 or 1"));
    if (o.rate < 0) return unexpected(std::string("--rate must not be negative"));
    PropsPlan plan;
    plan.devices = o.devices;
    if (o.rate <= 0) plan.window = o.inflight_given ? o.inflight : 1;
    if (o.rate <= 0 && plan.window == 0)
        return unexpected(std::string("--inflight must be at least 1"));
    auto numeric = numeric_properties(tsl);
    if (numeric.size() < o.values)
        return unexpected("the thing model has " + std::to_string(numeric.size()) +
                          " int/float/double properties; --values " + std::to_string(o.values) +
                          " needs as many");
    numeric.resize(o.values);
    plan.properties = std::move(numeric);
    return plan;
}

std::string property_post_topic(std::string_view pk, std::string_view dn) {
    return "/sys/" + std::string(pk) + "/" + std::string(dn) + "/thing/event/property/post";
}

std::string property_post_reply_topic(std::string_view pk, std::string_view dn) {
    return property_post_topic(pk, dn) + "_reply";
}

}  // namespace ts::app::bench
