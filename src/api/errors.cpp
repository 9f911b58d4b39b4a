#include "api/errors.hpp"

#include <nlohmann/json.hpp>

namespace ts::api {

ApiError from_registry(const registry::RegistryError& e) {
    return ApiError{static_cast<unsigned>(registry::http_status(e.code)),
                    std::string(registry::to_api_code(e.code)), e.message};
}

ApiError from_rules(const rules::RuleError& e) {
    using rules::RuleErrc;
    auto make = [&](unsigned status, const char* code) {
        return ApiError{status, code, e.message, e.line, e.column};
    };
    switch (e.code) {
        case RuleErrc::InvalidArgument:
            return make(400, "InvalidArgument");
        case RuleErrc::RuleNotFound:
            return make(404, "RuleNotFound");
        case RuleErrc::InvalidRuleSql:
            return make(400, "InvalidRuleSql");
        case RuleErrc::InvalidRuleAction:
            return make(400, "InvalidRuleAction");
        case RuleErrc::RuleNameTaken:
            return make(409, "RuleNameTaken");
        case RuleErrc::StorageError:
            return make(500, "InternalError");
    }
    return make(500, "InternalError");
}

ApiError invalid_argument(std::string_view field, std::string_view problem) {
    std::string msg(field);
    msg += ": ";
    msg += problem;
    return ApiError{400, "InvalidArgument", std::move(msg)};
}

ApiError unknown_field(std::string_view field) {
    return ApiError{400, "UnknownField", "unknown field '" + std::string(field) + "'"};
}

ApiError malformed_json(std::string_view detail) {
    return ApiError{400, "MalformedJson", "request body is not valid JSON: " + std::string(detail)};
}

ApiError unauthenticated(std::string_view why) {
    return ApiError{401, "Unauthenticated", std::string(why)};
}

ApiError not_found(std::string_view what) {
    return ApiError{404, "NotFound", std::string(what)};
}

ApiError internal_error(std::string_view what) {
    return ApiError{500, "InternalError", std::string(what)};
}

Response error_response(const ApiError& e) {
    // error_handler_t::replace: a message echoing invalid UTF-8 from the
    // request must still produce a body rather than throw.
    nlohmann::json body = {{"code", e.code}, {"message", e.message}};
    if (e.line > 0) {
        body["line"] = e.line;
        body["column"] = e.column;
    }
    Response r = Response::json(e.status, body);
    if (e.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"thingstead\"");
    return r;
}

}  // namespace ts::api
