#include "api/errors.hpp"

#include <nlohmann/json.hpp>

namespace ts::api {

ApiError from_registry(const registry::RegistryError& e) {
    return ApiError{static_cast<unsigned>(registry::http_status(e.code)),
                    std::string(registry::to_api_code(e.code)), e.message};
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
    Response r = Response::json(e.status, body);
    if (e.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"thingstead\"");
    return r;
}

}  // namespace ts::api
