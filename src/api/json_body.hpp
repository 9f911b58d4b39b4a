#pragma once
// Request bodies and query strings: parsing, the unknown-field check the API
// contract demands, and typed field reads whose errors name the field.
//
// FieldReader keeps the first error and returns nullopt from then on, so a
// handler reads every field straight through and checks once:
//     FieldReader f(body);
//     auto name = f.string("name", Required::Yes);
//     if (!f.ok()) return error_response(*f.error());
#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/errors.hpp"
#include "api/request.hpp"
#include "core/expected.hpp"

namespace ts::api {

// True for "application/json" and "application/<x>+json", any parameters.
bool is_json_content_type(std::string_view content_type);

// The body as a JSON object whose members are all in `allowed`. An empty
// body reads as {} (so `POST …:disable` needs no body). 415 when a body is
// sent without a JSON content type, 400 MalformedJson when it does not parse,
// 400 InvalidArgument when it is not an object or holds a number no double
// holds (1e400), 400 UnknownField for a member outside `allowed`.
Expected<nlohmann::json, ApiError> json_object_body(
    const Request& req, std::initializer_list<std::string_view> allowed);

// 400 UnknownField for a query parameter outside `allowed`.
Expected<void, ApiError> check_query(const Request& req,
                                     std::initializer_list<std::string_view> allowed);

enum class Required { No, Yes };

class FieldReader {
public:
    // `prefix` names the object in messages ("tags." gives "tags.color: ...").
    explicit FieldReader(const nlohmann::json& object, std::string prefix = "");

    // A JSON null reads as absent.
    std::optional<std::string> string(std::string_view field, Required req = Required::No);
    std::optional<std::int64_t> integer(std::string_view field, std::int64_t min, std::int64_t max,
                                        Required req = Required::No);
    std::optional<bool> boolean(std::string_view field, Required req = Required::No);
    std::optional<std::vector<std::string>> string_array(std::string_view field,
                                                         Required req = Required::No);
    std::optional<std::map<std::string, std::string>> string_map(std::string_view field,
                                                                 Required req = Required::No);
    // An enumeration: `parse` maps the string (e.g. registry::parse_node_type);
    // `expected` describes the allowed values for the message.
    template <typename Parse>
    auto enumeration(std::string_view field, Parse parse, std::string_view expected,
                     Required req = Required::No) -> decltype(parse(std::string_view{})) {
        auto s = string(field, req);
        if (!s) return std::nullopt;
        auto v = parse(*s);
        if (!v) fail(field, "must be " + std::string(expected));
        return v;
    }

    bool has(std::string_view field) const;
    bool ok() const { return !error_.has_value(); }
    const std::optional<ApiError>& error() const { return error_; }
    void fail(std::string_view field, std::string_view problem);

private:
    // The member, or nullptr when absent / null / after an error.
    const nlohmann::json* find(std::string_view field, Required req);

    const nlohmann::json& object_;
    std::string prefix_;
    std::optional<ApiError> error_;
};

// pageSize and pageToken from the query string. The registry owns the paging
// policy (default and maximum page size, token format): an absent pageSize
// reads as 0, "the registry's default"; a present one must be a positive
// integer.
struct PageRequest {
    std::size_t size = 0;
    std::string token;
};
Expected<PageRequest, ApiError> page_request(const Request& req);

}  // namespace ts::api
