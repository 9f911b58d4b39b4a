// Reads Alibaba's TSL document into a ThingModel. Documents are uploaded by
// users and come from Alibaba's console export, so every problem is reported
// at its place in the document's own terms ("properties[3].dataType.specs.max")
// for the user to find it in the file; the first problem wins. Keys this
// parser does not know are tolerated: Alibaba's exports carry many.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "thing/thing_model.hpp"

namespace ts::thing {
namespace {

using nlohmann::json;
using Problem = std::optional<TslError>;

// The TSL format needs about ten levels; anything deeper is not a thing model
// and must not make whatever walks the DOM later recurse deeply.
constexpr std::size_t kMaxDepth = 64;
constexpr std::size_t kMaxEntries = 1000;
constexpr std::size_t kMaxIdentifier = 50;
constexpr std::size_t kMaxBlockId = 30;
constexpr double kMaxTextLength = 10240;
constexpr double kMaxArraySize = 512;
constexpr double kInt32Min = std::numeric_limits<std::int32_t>::min();
constexpr double kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::string_view kNumberHint = R"(must be a number in a string, e.g. "100")";

Problem fail(std::string path, std::string message) {
    return TslError{std::move(path), std::move(message)};
}

// Text from the document inside a message or path: JSON-escaped ASCII and cut
// short, so an error stays printable and small whatever the input held.
std::string shown(std::string_view s) {
    constexpr std::size_t kMax = 64;
    std::string out =
        json(std::string(s.substr(0, kMax))).dump(-1, ' ', true, json::error_handler_t::replace);
    if (s.size() > kMax) out.insert(out.size() - 1, "...");
    return out;
}

bool is_word(std::string_view s, std::size_t max) {
    if (s.empty() || s.size() > max) return false;
    for (char c : s) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::string join(const std::string& path, std::string_view key) {
    if (is_word(key, 64)) return path.empty() ? std::string(key) : path + "." + std::string(key);
    return path + "[" + shown(key) + "]";
}

std::string at(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

const json* find(const json& object, const char* key) {
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

bool decimal_syntax(std::string_view s) {
    std::size_t i = 0;
    auto digits = [&] {
        const std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        return i > start;
    };
    if (i < s.size() && s[i] == '-') ++i;
    if (!digits()) return false;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (!digits()) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == s.size();
}

// Alibaba writes specs numbers as strings ("0.1", "3.4028235E38"); documents
// written by hand often use JSON numbers. Both are accepted.
std::optional<double> spec_number(const json& j) {
    double d = 0;
    if (j.is_number()) {
        d = j.get<double>();
    } else if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        if (!decimal_syntax(s)) return std::nullopt;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
        if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (!std::isfinite(d)) return std::nullopt;
    return d;
}

bool integral_in(double d, double lo, double hi) {
    return std::floor(d) == d && d >= lo && d <= hi;
}

Problem spec_count(const json& j, const std::string& path, double lo, double hi, std::size_t& out) {
    const auto d = spec_number(j);
    if (!d || !integral_in(*d, lo, hi)) {
        return fail(path, "must be an integer from " + std::to_string(static_cast<int>(lo)) +
                              " to " + std::to_string(static_cast<int>(hi)));
    }
    out = static_cast<std::size_t>(*d);
    return std::nullopt;
}

Problem opt_string(const json& object, const char* key, const std::string& path, std::string& out) {
    const json* v = find(object, key);
    if (!v) return std::nullopt;
    if (!v->is_string()) return fail(join(path, key), "must be a string");
    out = v->get_ref<const std::string&>();
    return std::nullopt;
}

Problem opt_bool(const json& object, const char* key, const std::string& path, bool& out) {
    const json* v = find(object, key);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) return fail(join(path, key), "must be true or false");
    out = v->get<bool>();
    return std::nullopt;
}

template <typename E, std::size_t N>
Problem opt_choice(const json& object, const char* key, const std::string& path,
                   const std::array<std::pair<std::string_view, E>, N>& choices,
                   std::string_view expected, E& out) {
    const json* v = find(object, key);
    if (!v) return std::nullopt;
    if (v->is_string()) {
        for (const auto& [text, value] : choices) {
            if (v->get_ref<const std::string&>() == text) {
                out = value;
                return std::nullopt;
            }
        }
    }
    return fail(join(path, key), "must be " + std::string(expected));
}

Problem identifier(const json& object, const std::string& path, std::string& out) {
    const std::string p = join(path, "identifier");
    const json* v = find(object, "identifier");
    if (!v) return fail(p, "is required");
    if (!v->is_string()) return fail(p, "must be a string");
    if (!is_word(v->get_ref<const std::string&>(), kMaxIdentifier))
        return fail(p, "must be 1 to 50 letters, digits or underscores");
    out = v->get_ref<const std::string&>();
    return std::nullopt;
}

// Identifiers already used in one list, with the path of their first use.
class Seen {
public:
    Problem add(const std::string& id, const std::string& path) {
        auto [it, fresh] = first_.emplace(id, path);
        if (fresh) return std::nullopt;
        return fail(join(path, "identifier"),
                    "duplicate identifier \"" + id + "\", first used at " + it->second);
    }

private:
    std::unordered_map<std::string, std::string> first_;
};

// Where a data type sits decides which types it may be: a struct cannot hold
// a struct (not even inside an array), and array items are only the types
// Alibaba allows there. Together these keep a data type at most a few levels
// deep, so the recursion below is bounded by the format, not by the input.
struct Place {
    bool in_struct = false;
    bool array_item = false;
};

Problem data_type(const json& j, const std::string& path, DataType& out, Place place);

Problem param_list(const json& list, const std::string& path, std::vector<Param>& out,
                   Place place) {
    if (!list.is_array()) return fail(path, "must be an array");
    Seen seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const json& j = list[i];
        const std::string p = at(path, i);
        if (!j.is_object()) return fail(p, "must be an object");
        Param param;
        if (auto e = identifier(j, p, param.identifier)) return e;
        if (auto e = seen.add(param.identifier, p)) return e;
        param.name = param.identifier;
        if (auto e = opt_string(j, "name", p, param.name)) return e;
        const json* type = find(j, "dataType");
        if (!type) return fail(join(p, "dataType"), "is required");
        if (auto e = data_type(*type, join(p, "dataType"), param.data_type, place)) return e;
        out.push_back(std::move(param));
    }
    return std::nullopt;
}

Problem numeric_specs(const json& specs, const std::string& path, DataType& out) {
    const bool is_int = out.kind == DataKind::Int;
    auto bound = [&](const char* key, std::optional<double>& dst) -> Problem {
        const json* v = find(specs, key);
        if (!v) return std::nullopt;
        const auto d = spec_number(*v);
        if (!d) return fail(join(path, key), std::string(kNumberHint));
        if (is_int && !integral_in(*d, kInt32Min, kInt32Max))
            return fail(join(path, key), "must be an integer from -2147483648 to 2147483647");
        dst = *d;
        return std::nullopt;
    };
    if (auto e = bound("min", out.min)) return e;
    if (auto e = bound("max", out.max)) return e;
    if (out.min && out.max && *out.max < *out.min)
        return fail(join(path, "max"), "must not be less than min");
    if (auto e = bound("step", out.step)) return e;
    if (out.step && *out.step <= 0) return fail(join(path, "step"), "must be greater than 0");
    // min == max (a constant) leaves no room for any step; allow one anyway.
    if (out.step && out.min && out.max && *out.max > *out.min && *out.step > *out.max - *out.min)
        return fail(join(path, "step"), "must not be greater than max - min");
    if (auto e = opt_string(specs, "unit", path, out.unit)) return e;
    return opt_string(specs, "unitName", path, out.unit_name);
}

// One spelling per value, so that "01" and "1" cannot name the same key.
bool int_key(std::string_view key, std::int64_t& out) {
    const bool negative = !key.empty() && key[0] == '-';
    const std::string_view digits = key.substr(negative ? 1 : 0);
    if (digits.empty() || (digits[0] == '0' && (digits.size() > 1 || negative))) return false;
    for (char c : digits)
        if (c < '0' || c > '9') return false;
    std::int32_t v = 0;
    const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), v);
    if (ec != std::errc{} || end != key.data() + key.size()) return false;
    out = v;
    return true;
}

Problem bool_specs(const json& specs, const std::string& path, DataType& out) {
    if (!specs.is_object()) return fail(path, "must be an object");
    for (auto it = specs.begin(); it != specs.end(); ++it) {
        const std::string p = join(path, it.key());
        if (it.key() != "0" && it.key() != "1")
            return fail(p, R"(bool specs may only have the keys "0" and "1")");
        if (!it.value().is_string()) return fail(p, "must be a string");
        out.values[it.key() == "1" ? 1 : 0] = it.value().get<std::string>();
    }
    if (out.values.size() != 2) return fail(path, R"(must have the keys "0" and "1")");
    return std::nullopt;
}

Problem enum_specs(const json& specs, const std::string& path, DataType& out) {
    if (!specs.is_object()) return fail(path, "must be an object");
    if (specs.empty()) return fail(path, "must have at least one value");
    for (auto it = specs.begin(); it != specs.end(); ++it) {
        const std::string p = join(path, it.key());
        std::int64_t key = 0;
        if (!int_key(it.key(), key))
            return fail(p, "enum keys must be decimal integers from -2147483648 to 2147483647");
        if (!it.value().is_string()) return fail(p, "must be a string");
        out.values[key] = it.value().get<std::string>();
    }
    return std::nullopt;
}

Problem array_specs(const json& specs, const std::string& path, DataType& out, Place place) {
    if (!specs.is_object()) return fail(path, "must be an object");
    const json* size = find(specs, "size");
    if (!size) return fail(join(path, "size"), "is required");
    if (auto e = spec_count(*size, join(path, "size"), 1, kMaxArraySize, out.size)) return e;
    const json* item = find(specs, "item");
    if (!item) return fail(join(path, "item"), "is required");
    auto type = std::make_shared<DataType>();
    place.array_item = true;
    if (auto e = data_type(*item, join(path, "item"), *type, place)) return e;
    out.item = std::move(type);
    return std::nullopt;
}

std::optional<DataKind> kind_named(std::string_view name) {
    for (DataKind k :
         {DataKind::Int, DataKind::Float, DataKind::Double, DataKind::Text, DataKind::Date,
          DataKind::Bool, DataKind::Enum, DataKind::Struct, DataKind::Array}) {
        if (to_string(k) == name) return k;
    }
    return std::nullopt;
}

Problem place_allows(DataKind kind, Place place, const std::string& path) {
    if (place.array_item && kind != DataKind::Int && kind != DataKind::Float &&
        kind != DataKind::Double && kind != DataKind::Text && kind != DataKind::Struct)
        return fail(path, "array items must be int, float, double, text or struct");
    if (place.in_struct && kind == DataKind::Struct) {
        return fail(path, place.array_item ? "an array inside a struct cannot hold structs"
                                           : "a struct member cannot be a struct");
    }
    return std::nullopt;
}

Problem data_type(const json& j, const std::string& path, DataType& out, Place place) {
    if (!j.is_object()) return fail(path, "must be an object");
    const std::string type_path = join(path, "type");
    const json* type = find(j, "type");
    if (!type) return fail(type_path, "is required");
    if (!type->is_string()) return fail(type_path, "must be a string");
    const auto kind = kind_named(type->get_ref<const std::string&>());
    if (!kind) {
        return fail(type_path, "unknown type " + shown(type->get_ref<const std::string&>()) +
                                   "; expected int, float, double, text, date, bool, enum, "
                                   "struct or array");
    }
    if (auto e = place_allows(*kind, place, type_path)) return e;
    out.kind = *kind;

    const std::string specs_path = join(path, "specs");
    const json* specs = find(j, "specs");
    switch (*kind) {
        case DataKind::Int:
        case DataKind::Float:
        case DataKind::Double:
            if (!specs) return std::nullopt;
            if (!specs->is_object()) return fail(specs_path, "must be an object");
            return numeric_specs(*specs, specs_path, out);
        case DataKind::Text: {
            if (!specs) return std::nullopt;
            if (!specs->is_object()) return fail(specs_path, "must be an object");
            const json* length = find(*specs, "length");
            if (!length) return std::nullopt;
            return spec_count(*length, join(specs_path, "length"), 1, kMaxTextLength, out.length);
        }
        case DataKind::Date:
            if (specs && !specs->is_object()) return fail(specs_path, "must be an object");
            return std::nullopt;
        case DataKind::Bool:
            if (!specs) return fail(specs_path, "is required");
            return bool_specs(*specs, specs_path, out);
        case DataKind::Enum:
            if (!specs) return fail(specs_path, "is required");
            return enum_specs(*specs, specs_path, out);
        case DataKind::Struct:
            if (!specs) return fail(specs_path, "is required");
            if (specs->is_array() && specs->empty())
                return fail(specs_path, "must have at least one member");
            place.in_struct = true;
            place.array_item = false;
            return param_list(*specs, specs_path, out.fields, place);
        case DataKind::Array:
            if (!specs) return fail(specs_path, "is required");
            return array_specs(*specs, specs_path, out, place);
    }
    return std::nullopt;
}

constexpr std::array<std::pair<std::string_view, AccessMode>, 2> kAccessModes{{
    {"rw", AccessMode::ReadWrite},
    {"r", AccessMode::ReadOnly},
}};
constexpr std::array<std::pair<std::string_view, EventType>, 3> kEventTypes{{
    {"info", EventType::Info},
    {"alert", EventType::Alert},
    {"error", EventType::Error},
}};
constexpr std::array<std::pair<std::string_view, CallType>, 2> kCallTypes{{
    {"async", CallType::Async},
    {"sync", CallType::Sync},
}};

class Parser {
public:
    explicit Parser(ThingModel& model) : model_(model) {}

    Problem document(const json& doc) {
        if (!doc.is_object()) return fail("", "must be a JSON object");
        std::string ignored;
        if (auto e = opt_string(doc, "schema", "", ignored)) return e;
        if (const json* profile = find(doc, "profile")) {
            if (!profile->is_object()) return fail("profile", "must be an object");
            if (auto e = opt_string(*profile, "productKey", "profile", model_.product_key))
                return e;
        }
        if (auto e = opt_string(doc, "functionBlockId", "", model_.function_block_id)) return e;
        if (find(doc, "functionBlockId")) {
            if (!is_word(model_.function_block_id, kMaxBlockId))
                return fail("functionBlockId", "must be 1 to 30 letters, digits or underscores");
            prefix_ = model_.function_block_id + ":";
        }
        if (auto e = list(doc, "properties", {}, model_.properties, &Parser::property)) return e;
        if (auto e = list(doc, "events", {"post"}, model_.events, &Parser::event)) return e;
        return list(doc, "services", {"set", "get"}, model_.services, &Parser::service);
    }

private:
    // `builtins` are the entries Alibaba's export adds to every model; they
    // are implied, so they are skipped here and written again on export.
    template <typename T>
    Problem list(const json& doc, const char* key, std::initializer_list<std::string_view> builtins,
                 std::vector<T>& out,
                 Problem (Parser::*body)(const json&, const std::string&, const std::string&, T&)) {
        const json* items = find(doc, key);
        if (!items) return std::nullopt;
        if (!items->is_array()) return fail(key, "must be an array");
        Seen seen;
        for (std::size_t i = 0; i < items->size(); ++i) {
            const json& j = (*items)[i];
            const std::string path = at(key, i);
            if (!j.is_object()) return fail(path, "must be an object");
            std::string id;
            if (auto e = identifier(j, path, id)) return e;
            if (std::find(builtins.begin(), builtins.end(), id) != builtins.end()) continue;
            // The built-in methods thing.event.property.post and
            // thing.service.property.{set,get} would be ambiguous.
            if (builtins.size() != 0 && id == "property" && prefix_.empty())
                return fail(join(path, "identifier"), "\"property\" is reserved");
            if (auto e = seen.add(id, path)) return e;
            if (out.size() == kMaxEntries) {
                return fail(key, "must not have more than " + std::to_string(kMaxEntries) + " " +
                                     key + " (built-ins not counted)");
            }
            T item;
            item.identifier = prefix_ + id;
            if (auto e = (this->*body)(j, path, id, item)) return e;
            out.push_back(std::move(item));
        }
        return std::nullopt;
    }

    Problem property(const json& j, const std::string& path, const std::string& id, Property& out) {
        out.name = id;
        if (auto e = opt_string(j, "name", path, out.name)) return e;
        if (auto e =
                opt_choice(j, "accessMode", path, kAccessModes, R"("r" or "rw")", out.access_mode))
            return e;
        if (auto e = opt_bool(j, "required", path, out.required)) return e;
        if (auto e = opt_string(j, "desc", path, out.desc)) return e;
        const json* type = find(j, "dataType");
        if (!type) return fail(join(path, "dataType"), "is required");
        return data_type(*type, join(path, "dataType"), out.data_type, {});
    }

    Problem event(const json& j, const std::string& path, const std::string& id, Event& out) {
        out.name = id;
        if (auto e = opt_string(j, "name", path, out.name)) return e;
        if (auto e =
                opt_choice(j, "type", path, kEventTypes, R"("info", "alert" or "error")", out.type))
            return e;
        if (auto e = opt_bool(j, "required", path, out.required)) return e;
        if (auto e = opt_string(j, "desc", path, out.desc)) return e;
        out.method = "thing.event." + out.identifier + ".post";
        if (auto e = method(j, path, out.method, "thing.event." + id + ".post")) return e;
        if (const json* output = find(j, "outputData"))
            return param_list(*output, join(path, "outputData"), out.output, {});
        return std::nullopt;
    }

    Problem service(const json& j, const std::string& path, const std::string& id, Service& out) {
        out.name = id;
        if (auto e = opt_string(j, "name", path, out.name)) return e;
        if (auto e =
                opt_choice(j, "callType", path, kCallTypes, R"("async" or "sync")", out.call_type))
            return e;
        if (auto e = opt_bool(j, "required", path, out.required)) return e;
        if (auto e = opt_string(j, "desc", path, out.desc)) return e;
        out.method = "thing.service." + out.identifier;
        if (auto e = method(j, path, out.method, "thing.service." + id)) return e;
        if (const json* input = find(j, "inputData")) {
            if (auto e = param_list(*input, join(path, "inputData"), out.input, {})) return e;
        }
        if (const json* output = find(j, "outputData"))
            return param_list(*output, join(path, "outputData"), out.output, {});
        return std::nullopt;
    }

    // The method is implied by the identifier; a document may spell it out.
    // Custom modules' documents are seen with and without the block prefix.
    Problem method(const json& j, const std::string& path, const std::string& canonical,
                   const std::string& unprefixed) {
        std::string given;
        if (auto e = opt_string(j, "method", path, given)) return e;
        if (!find(j, "method") || given == canonical || (!prefix_.empty() && given == unprefixed))
            return std::nullopt;
        return fail(join(path, "method"), "must be \"" + canonical + "\"");
    }

    ThingModel& model_;
    std::string prefix_;
};

// Brackets outside strings, counted without parsing: cheap, and it stops a
// deep document before anything builds or walks it.
bool too_deep(std::string_view text) {
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxDepth) return true;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return false;
}

// nlohmann's messages quote the input ("last read: '...'"), which may be
// long or not UTF-8.
std::string printable(std::string_view what) {
    constexpr std::size_t kMax = 160;
    if (const auto pos = what.find("] "); pos != std::string_view::npos)
        what.remove_prefix(pos + 2);
    std::string out;
    for (char c : what.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (what.size() > kMax) out += "...";
    return out;
}

}  // namespace

Expected<ThingModelPtr, TslError> parse_thing_model(const nlohmann::json& document) {
    try {
        auto model = std::make_shared<ThingModel>();
        if (auto e = Parser(*model).document(document)) return unexpected(std::move(*e));
        model->index();
        return ThingModelPtr(std::move(model));
    } catch (const std::exception& e) {
        // Nothing above throws on any input; this keeps a surprise (or a
        // failed allocation) an error value for the caller.
        return unexpected(TslError{"", std::string("could not be read: ") + printable(e.what())});
    }
}

Expected<ThingModelPtr, TslError> parse_thing_model(std::string_view json_text) {
    if (too_deep(json_text))
        return unexpected(
            TslError{"", "is nested deeper than " + std::to_string(kMaxDepth) + " levels"});
    json document;
    try {
        document = json::parse(json_text.begin(), json_text.end());
    } catch (const std::exception& e) {
        return unexpected(TslError{"", "is not valid JSON: " + printable(e.what())});
    }
    return parse_thing_model(document);
}

Expected<ThingModelPtr, TslError> parse_thing_model(const std::string& json_text) {
    return parse_thing_model(std::string_view(json_text));
}

Expected<ThingModelPtr, TslError> parse_thing_model(const char* json_text) {
    return parse_thing_model(std::string_view(json_text));
}

}  // namespace ts::thing
