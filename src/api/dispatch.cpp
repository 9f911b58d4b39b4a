#include "api/dispatch.hpp"

#include <exception>

#include "api/auth.hpp"
#include "api/errors.hpp"
#include "core/log.hpp"

namespace ts::api {
namespace {

std::string allow_header(const std::vector<boost::beast::http::verb>& verbs) {
    std::string out;
    for (auto v : verbs) {
        if (!out.empty()) out += ", ";
        out += boost::beast::http::to_string(v);
    }
    return out;
}

}  // namespace

std::optional<ApiError> Dispatcher::access_denied(const RouteMatch& m, std::string_view path,
                                                  std::string_view authorization) const {
    // Public routes answer anyone. Everything else under /api/ authenticates
    // before saying anything, so an unauthenticated caller learns nothing
    // beyond the public routes (not even which paths exist).
    // Whether the path is the API's is decided on the decoded path, as the
    // router matches it ("/%61pi/..." is "/api/..."). The console's catch-all
    // (/{path=**}) is public but never answers there: an unknown API path
    // still asks for credentials first.
    auto decoded = url_decode(path, false);
    bool api_area = decoded && (decoded->starts_with("/api/") || *decoded == "/api");
    bool found = m.kind == RouteMatch::Kind::Found;
    bool catch_all = found && m.route->pattern.ends_with("=**}");
    bool public_route = found && m.route->access == Access::Public && !(catch_all && api_area);
    bool protected_area = found || api_area;
    if (public_route || !protected_area) return std::nullopt;
    return check_bearer(authorization, admin_token_);
}

std::optional<ApiError> Dispatcher::admit(boost::beast::http::verb method, std::string_view path,
                                          const boost::beast::http::fields& headers) const {
    auto it = headers.find(boost::beast::http::field::authorization);
    std::string_view authorization;
    if (it != headers.end()) authorization = {it->value().data(), it->value().size()};
    return access_denied(router_.match(method, path), path, authorization);
}

Response Dispatcher::handle(Request& req, std::string_view query) const {
    RouteMatch m = router_.match(req.method, req.path);
    if (auto denied = access_denied(m, req.path, req.header("Authorization")))
        return error_response(*denied);

    switch (m.kind) {
        case RouteMatch::Kind::BadPath:
            return error_response(invalid_argument("path", "invalid percent-encoding"));
        case RouteMatch::Kind::NotFound:
            return error_response(not_found("no such resource: " + req.path));
        case RouteMatch::Kind::MethodNotAllowed: {
            Response r =
                error_response(ApiError{405, "MethodNotAllowed",
                                        std::string(boost::beast::http::to_string(req.method)) +
                                            " is not allowed on " + req.path});
            r.headers.emplace_back("Allow", allow_header(m.allow));
            return r;
        }
        case RouteMatch::Kind::Found:
            break;
    }

    auto parsed = parse_query(query);
    if (!parsed) return error_response(invalid_argument("query", "invalid percent-encoding"));
    req.query = std::move(*parsed);
    req.path_params = std::move(m.params);
    // The edge of the API: whatever a handler or a library under it throws
    // becomes a 500 here, and the connection stays usable.
    try {
        return m.route->handler(req);
    } catch (const std::exception& e) {
        log::get("api")->error("handler failed method={} path={} error={}",
                               std::string(boost::beast::http::to_string(req.method)), req.path,
                               e.what());
    } catch (...) {
        log::get("api")->error("handler failed method={} path={} error=unknown",
                               std::string(boost::beast::http::to_string(req.method)), req.path);
    }
    return error_response(internal_error("internal error; see the server log"));
}

}  // namespace ts::api
