#pragma once
// API errors: an HTTP status plus a stable code string (docs/api-errors.md)
// and a message for people. Registry errors map through the registry's own
// table (registry::http_status / to_api_code) so nothing is translated twice;
// the rules layer's codes map here, in from_rules.
#include <string>
#include <string_view>

#include "api/request.hpp"
#include "registry/errc.hpp"
#include "rules/rule_error.hpp"

namespace ts::api {

struct ApiError {
    unsigned status = 500;
    std::string code;
    std::string message;
    // For errors with a place in the input (InvalidRuleSql): 1-based line
    // and column, sent as "line" and "column" beside the message; 0: none.
    int line = 0;
    int column = 0;
};

ApiError from_registry(const registry::RegistryError& e);
ApiError from_rules(const rules::RuleError& e);

// 400 InvalidArgument with the field named first: "name: required".
ApiError invalid_argument(std::string_view field, std::string_view problem);
ApiError unknown_field(std::string_view field);
ApiError malformed_json(std::string_view detail);
ApiError unauthenticated(std::string_view why);
ApiError not_found(std::string_view what);
ApiError internal_error(std::string_view what);

// {"code": ..., "message": ..., "line"?, "column"?} with the error's status (and the headers
// some statuses call for: WWW-Authenticate on 401).
Response error_response(const ApiError& e);

}  // namespace ts::api
