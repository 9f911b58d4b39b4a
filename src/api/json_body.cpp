#include "api/json_body.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/json_depth.hpp"

namespace ts::api {

namespace {

constexpr int kMaxBodyDepth = 64;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool allowed_name(std::string_view name, std::initializer_list<std::string_view> allowed) {
    return std::find(allowed.begin(), allowed.end(), name) != allowed.end();
}

}  // namespace

bool is_json_content_type(std::string_view content_type) {
    std::string media = lower(content_type.substr(0, content_type.find(';')));
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.pop_back();
    if (media == "application/json") return true;
    return media.starts_with("application/") && media.ends_with("+json");
}

Expected<nlohmann::json, ApiError> json_object_body(
    const Request& req, std::initializer_list<std::string_view> allowed) {
    if (req.body.empty()) return nlohmann::json::object();
    if (!is_json_content_type(req.header("Content-Type")))
        return unexpected(
            ApiError{415, "UnsupportedMediaType",
                     "the request body must be JSON (Content-Type: application/json)"});
    // nlohmann reports the error position only through its exception; it is
    // caught right here and never leaves this function.
    // Bodies nest a few levels; a deeper one is refused before parsing, as
    // copying or printing the tree would recurse once per level.
    if (!json_depth_within(req.body, kMaxBodyDepth))
        return unexpected(
            malformed_json("nested more than " + std::to_string(kMaxBodyDepth) + " levels deep"));
    nlohmann::json body;
    try {
        body = nlohmann::json::parse(req.body);
    } catch (const nlohmann::json::parse_error& e) {
        return unexpected(malformed_json("syntax error at byte " + std::to_string(e.byte)));
    } catch (const nlohmann::json::out_of_range&) {
        // Valid JSON whose number no double holds (1e400): the value is
        // wrong, not the syntax.
        return unexpected(invalid_argument("body", "a number is out of range"));
    }
    if (!body.is_object())
        return unexpected(ApiError{400, "InvalidArgument", "body: must be a JSON object"});
    for (const auto& item : body.items())
        if (!allowed_name(item.key(), allowed)) return unexpected(unknown_field(item.key()));
    return body;
}

Expected<void, ApiError> check_query(const Request& req,
                                     std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : req.query)
        if (!allowed_name(key, allowed))
            return unexpected(
                ApiError{400, "UnknownField", "unknown query parameter '" + key + "'"});
    return {};
}

FieldReader::FieldReader(const nlohmann::json& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

void FieldReader::fail(std::string_view field, std::string_view problem) {
    if (!error_) error_ = invalid_argument(prefix_ + std::string(field), problem);
}

bool FieldReader::has(std::string_view field) const {
    auto it = object_.find(field);
    return it != object_.end() && !it->is_null();
}

const nlohmann::json* FieldReader::find(std::string_view field, Required req) {
    if (error_) return nullptr;
    auto it = object_.find(field);
    if (it == object_.end() || it->is_null()) {
        if (req == Required::Yes) fail(field, "required");
        return nullptr;
    }
    return &*it;
}

std::optional<std::string> FieldReader::string(std::string_view field, Required req) {
    const auto* v = find(field, req);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
        fail(field, "must be a string");
        return std::nullopt;
    }
    return v->get<std::string>();
}

std::optional<std::int64_t> FieldReader::integer(std::string_view field, std::int64_t min,
                                                 std::int64_t max, Required req) {
    const auto* v = find(field, req);
    if (!v) return std::nullopt;
    std::optional<std::int64_t> n;
    if (v->is_number_integer()) {
        if (v->is_number_unsigned() &&
            v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
            n = INT64_MAX;
        else
            n = v->get<std::int64_t>();
    }
    if (!n || *n < min || *n > max) {
        fail(field,
             "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
        return std::nullopt;
    }
    return n;
}

std::optional<bool> FieldReader::boolean(std::string_view field, Required req) {
    const auto* v = find(field, req);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
        fail(field, "must be true or false");
        return std::nullopt;
    }
    return v->get<bool>();
}

std::optional<std::vector<std::string>> FieldReader::string_array(std::string_view field,
                                                                  Required req) {
    const auto* v = find(field, req);
    if (!v) return std::nullopt;
    std::vector<std::string> out;
    if (v->is_array()) {
        for (const auto& e : *v) {
            if (!e.is_string()) break;
            out.push_back(e.get<std::string>());
        }
    }
    if (!v->is_array() || out.size() != v->size()) {
        fail(field, "must be an array of strings");
        return std::nullopt;
    }
    return out;
}

std::optional<std::map<std::string, std::string>> FieldReader::string_map(std::string_view field,
                                                                          Required req) {
    const auto* v = find(field, req);
    if (!v) return std::nullopt;
    if (!v->is_object()) {
        fail(field, "must be an object of strings");
        return std::nullopt;
    }
    std::map<std::string, std::string> out;
    for (const auto& item : v->items()) {
        if (!item.value().is_string()) {
            fail(std::string(field) + "." + item.key(), "must be a string");
            return std::nullopt;
        }
        out.emplace(item.key(), item.value().get<std::string>());
    }
    return out;
}

Expected<PageRequest, ApiError> page_request(const Request& req) {
    PageRequest page;
    if (auto size = req.query_param("pageSize")) {
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), n);
        if (ec != std::errc{} || end != size->data() + size->size() || n < 1)
            return unexpected(invalid_argument("pageSize", "must be a positive integer"));
        page.size = static_cast<std::size_t>(n);
    }
    if (auto token = req.query_param("pageToken")) page.token = *token;
    return page;
}

}  // namespace ts::api
