// Writes a ThingModel as the document Alibaba's console exports, so that
// devices fetching it (thing/dsltemplate/get) and tools reading Alibaba's
// files see the shape they know. parse_thing_model reads it back to the same
// model.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "thing/thing_model.hpp"

namespace ts::thing {

std::string_view to_string(DataKind kind) {
    switch (kind) {
        case DataKind::Int:
            return "int";
        case DataKind::Float:
            return "float";
        case DataKind::Double:
            return "double";
        case DataKind::Text:
            return "text";
        case DataKind::Date:
            return "date";
        case DataKind::Bool:
            return "bool";
        case DataKind::Enum:
            return "enum";
        case DataKind::Struct:
            return "struct";
        case DataKind::Array:
            return "array";
    }
    return "unknown";
}

namespace {

using nlohmann::json;

constexpr std::string_view kSchema = "https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json";

// Alibaba writes specs numbers as strings. The shortest form that reads back
// to the same double keeps parse(export(model)) equal to the model; ints are
// written without an exponent as Alibaba does ("1000000000", not "1e+09").
std::string number_text(double v, DataKind kind) {
    char buf[32];
    const bool whole = kind == DataKind::Int && v > -9e18 && v < 9e18;
    const auto end = whole ? std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(v)).ptr
                           : std::to_chars(buf, buf + sizeof buf, v).ptr;
    return std::string(buf, end);
}

json data_type_json(const DataType& type);

json params_json(const std::vector<Param>& params) {
    json out = json::array();
    for (const auto& p : params) {
        out.push_back({{"identifier", p.identifier},
                       {"name", p.name},
                       {"dataType", data_type_json(p.data_type)}});
    }
    return out;
}

json data_type_json(const DataType& type) {
    json specs = json::object();
    switch (type.kind) {
        case DataKind::Int:
        case DataKind::Float:
        case DataKind::Double:
            if (type.min) specs["min"] = number_text(*type.min, type.kind);
            if (type.max) specs["max"] = number_text(*type.max, type.kind);
            if (type.step) specs["step"] = number_text(*type.step, type.kind);
            if (!type.unit.empty()) specs["unit"] = type.unit;
            if (!type.unit_name.empty()) specs["unitName"] = type.unit_name;
            break;
        case DataKind::Text:
            specs["length"] = std::to_string(type.length);
            break;
        case DataKind::Date:
            break;
        case DataKind::Bool:
        case DataKind::Enum:
            for (const auto& [key, label] : type.values) specs[std::to_string(key)] = label;
            break;
        case DataKind::Struct:
            specs = params_json(type.fields);
            break;
        case DataKind::Array:
            specs["size"] = std::to_string(type.size);
            if (type.item) specs["item"] = data_type_json(*type.item);
            break;
    }
    return {{"type", to_string(type.kind)}, {"specs", std::move(specs)}};
}

class Exporter {
public:
    explicit Exporter(const ThingModel& model) : model_(model) {
        if (!model.function_block_id.empty()) prefix_ = model.function_block_id + ":";
    }

    json properties() const {
        json out = json::array();
        for (const auto& p : model_.properties) {
            json j = {{"identifier", local(p.identifier)},
                      {"name", p.name},
                      {"accessMode", p.access_mode == AccessMode::ReadOnly ? "r" : "rw"},
                      {"required", p.required},
                      {"dataType", data_type_json(p.data_type)}};
            if (!p.desc.empty()) j["desc"] = p.desc;
            out.push_back(std::move(j));
        }
        return out;
    }

    json events() const {
        json out = json::array();
        out.push_back({{"identifier", "post"},
                       {"name", "post"},
                       {"type", "info"},
                       {"required", true},
                       {"desc", "property post"},
                       {"method", "thing.event.property.post"},
                       {"outputData", property_params(false)}});
        for (const auto& e : model_.events) {
            json j = {
                {"identifier", local(e.identifier)},
                {"name", e.name},
                {"type", to_string(e.type)},
                {"required", e.required},
                {"method", e.method.empty() ? "thing.event." + e.identifier + ".post" : e.method},
                {"outputData", params_json(e.output)}};
            if (!e.desc.empty()) j["desc"] = e.desc;
            out.push_back(std::move(j));
        }
        return out;
    }

    json services() const {
        json out = json::array();
        out.push_back({{"identifier", "set"},
                       {"name", "set"},
                       {"callType", "async"},
                       {"required", true},
                       {"desc", "property set"},
                       {"method", "thing.service.property.set"},
                       {"inputData", property_params(true)},
                       {"outputData", json::array()}});
        json names = json::array();
        for (const auto& p : model_.properties) names.push_back(local(p.identifier));
        out.push_back({{"identifier", "get"},
                       {"name", "get"},
                       {"callType", "async"},
                       {"required", true},
                       {"desc", "property get"},
                       {"method", "thing.service.property.get"},
                       {"inputData", std::move(names)},
                       {"outputData", property_params(false)}});
        for (const auto& s : model_.services) {
            json j = {{"identifier", local(s.identifier)},
                      {"name", s.name},
                      {"callType", s.call_type == CallType::Sync ? "sync" : "async"},
                      {"required", s.required},
                      {"method", s.method.empty() ? "thing.service." + s.identifier : s.method},
                      {"inputData", params_json(s.input)},
                      {"outputData", params_json(s.output)}};
            if (!s.desc.empty()) j["desc"] = s.desc;
            out.push_back(std::move(j));
        }
        return out;
    }

private:
    // A custom module's document names its entries without the block prefix
    // they carry on the wire; functionBlockId at the top says which block.
    std::string local(const std::string& identifier) const {
        if (!prefix_.empty() && identifier.starts_with(prefix_))
            return identifier.substr(prefix_.size());
        return identifier;
    }

    json property_params(bool writable_only) const {
        json out = json::array();
        for (const auto& p : model_.properties) {
            if (writable_only && p.access_mode != AccessMode::ReadWrite) continue;
            out.push_back({{"identifier", local(p.identifier)},
                           {"name", p.name},
                           {"dataType", data_type_json(p.data_type)}});
        }
        return out;
    }

    const ThingModel& model_;
    std::string prefix_;
};

}  // namespace

nlohmann::json to_tsl_json(const ThingModel& model, std::string_view product_key) {
    const Exporter x(model);
    json doc = {
        {"schema", kSchema},
        {"profile",
         {{"productKey", product_key.empty() ? model.product_key : std::string(product_key)}}}};
    if (!model.function_block_id.empty()) doc["functionBlockId"] = model.function_block_id;
    doc["properties"] = x.properties();
    doc["events"] = x.events();
    doc["services"] = x.services();
    return doc;
}

}  // namespace ts::thing
