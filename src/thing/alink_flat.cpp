#include "thing/alink_flat.hpp"

#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace ts::thing {

namespace {

namespace od = simdjson::ondemand;

// Larger payloads are rare and not worth a second parser's attention.
constexpr std::size_t kMaxFlatPayload = 16 * 1024;

// Bytes the DOM parser judges differently or that need unescaping: control
// characters (also whitespace other than spaces, so pretty-printed JSON goes
// the DOM way) and backslashes (escapes, surrogates).
bool plain_text(std::string_view s) {
    for (const unsigned char c : s)
        if (c < 0x20 || c == '\\') return false;
    return true;
}

// A scalar typed as nlohmann's parser types it: an integer with a minus sign
// is signed, one without unsigned, anything with a fraction or exponent a
// double. nullopt for objects, arrays and numbers beyond 64 bits.
std::optional<nlohmann::json> scalar_of(od::value v) {
    od::json_type type{};
    if (v.type().get(type)) return std::nullopt;
    switch (type) {
        case od::json_type::number: {
            od::number_type kind{};
            if (v.get_number_type().get(kind)) return std::nullopt;
            if (kind == od::number_type::floating_point_number) {
                double d = 0;
                if (v.get_double().get(d)) return std::nullopt;
                return nlohmann::json(d);
            }
            const std::string_view token = v.raw_json_token();
            if (!token.empty() && token.front() == '-') {
                std::int64_t i = 0;
                if (v.get_int64().get(i)) return std::nullopt;
                return nlohmann::json(i);
            }
            std::uint64_t u = 0;
            if (v.get_uint64().get(u)) return std::nullopt;
            return nlohmann::json(u);
        }
        case od::json_type::string: {
            std::string_view s;
            if (v.get_string().get(s)) return std::nullopt;
            return nlohmann::json(std::string(s));
        }
        case od::json_type::boolean: {
            bool b = false;
            if (v.get_bool().get(b)) return std::nullopt;
            return nlohmann::json(b);
        }
        case od::json_type::null: {
            bool is_null = false;
            if (v.is_null().get(is_null) || !is_null) return std::nullopt;
            return nlohmann::json(nullptr);
        }
        default:
            return std::nullopt;
    }
}

std::optional<std::string> string_of(od::value v) {
    std::string_view s;
    if (v.get_string().get(s)) return std::nullopt;
    return std::string(s);
}

// {identifier: scalar}: each identifier once (the DOM would keep the last).
bool read_params(od::value v, nlohmann::json& out) {
    od::object params;
    if (v.get_object().get(params)) return false;
    out = nlohmann::json::object();
    for (auto member : params) {
        od::field field;
        std::string_view key;
        if (std::move(member).get(field) || field.unescaped_key().get(key)) return false;
        auto value = scalar_of(field.value());
        if (!value) return false;
        if (!out.emplace(std::string(key), std::move(*value)).second) return false;
    }
    return true;
}

// {"ack": number} and nothing else.
bool read_sys(od::value v, bool& ack) {
    od::object sys;
    if (v.get_object().get(sys)) return false;
    bool seen = false;
    for (auto member : sys) {
        od::field field;
        std::string_view key;
        if (std::move(member).get(field) || field.unescaped_key().get(key)) return false;
        if (key != "ack" || seen) return false;
        seen = true;
        od::value value = field.value();
        od::json_type type{};
        double d = 0;
        if (value.type().get(type) || type != od::json_type::number || value.get_double().get(d))
            return false;
        ack = d != 0;
    }
    return true;
}

}  // namespace

std::optional<AlinkRequest> parse_flat_alink_request(std::string_view payload) {
    if (payload.size() > kMaxFlatPayload || !plain_text(payload)) return std::nullopt;
    // simdjson reads up to SIMDJSON_PADDING bytes past the end.
    thread_local std::string padded;
    padded.resize(payload.size() + simdjson::SIMDJSON_PADDING);
    std::memcpy(padded.data(), payload.data(), payload.size());
    thread_local od::parser parser;
    od::document doc;
    if (parser.iterate(padded.data(), payload.size(), padded.size()).get(doc)) return std::nullopt;
    od::object top;
    if (doc.get_object().get(top)) return std::nullopt;

    AlinkRequest r;
    bool seen_id = false, seen_version = false, seen_method = false, seen_sys = false,
         seen_params = false;
    const auto first = [](bool& seen) { return !std::exchange(seen, true); };
    for (auto member : top) {
        od::field field;
        std::string_view key;
        if (std::move(member).get(field) || field.unescaped_key().get(key)) return std::nullopt;
        if (key == "id" && first(seen_id)) {
            auto id = scalar_of(field.value());
            if (!id) return std::nullopt;
            r.id = std::move(*id);
        } else if (key == "version" && first(seen_version)) {
            auto version = string_of(field.value());
            if (!version) return std::nullopt;
            r.version = std::move(*version);
        } else if (key == "method" && first(seen_method)) {
            auto method = string_of(field.value());
            if (!method) return std::nullopt;
            r.method = std::move(*method);
        } else if (key == "sys" && first(seen_sys)) {
            if (!read_sys(field.value(), r.ack)) return std::nullopt;
        } else if (key == "params" && first(seen_params)) {
            if (!read_params(field.value(), r.params)) return std::nullopt;
        } else {
            return std::nullopt;  // another key, or one seen before
        }
    }
    // Nothing may follow the object: past the last token there is no
    // location left to report.
    const char* rest = nullptr;
    if (!doc.current_location().get(rest)) return std::nullopt;
    return r;
}

Expected<AlinkRequest, std::string> parse_device_request(std::string_view payload) {
    if (auto flat = parse_flat_alink_request(payload)) return std::move(*flat);
    return parse_alink_request(payload);
}

}  // namespace ts::thing
