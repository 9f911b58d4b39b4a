#pragma once
// API errors: an HTTP status plus a stable code string (docs/api-errors.md)
// and a message for people. Registry errors map through the registry's own
// table (registry::http_status / to_api_code) so nothing is translated twice.
#include <string>
#include <string_view>

#include "api/request.hpp"
#include "registry/errc.hpp"

namespace ts::api {

struct ApiError {
    unsigned status = 500;
    std::string code;
    std::string message;
};

ApiError from_registry(const registry::RegistryError& e);

// 400 InvalidArgument with the field named first: "name: required".
ApiError invalid_argument(std::string_view field, std::string_view problem);
ApiError unknown_field(std::string_view field);
ApiError malformed_json(std::string_view detail);
ApiError unauthenticated(std::string_view why);
ApiError not_found(std::string_view what);
ApiError internal_error(std::string_view what);

// {"code": ..., "message": ...} with the error's status (and the headers
// some statuses call for: WWW-Authenticate on 401).
Response error_response(const ApiError& e);

}  // namespace ts::api
