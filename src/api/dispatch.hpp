#pragma once
// From a parsed request to a response: route, authenticate, call the
// handler, and turn anything a handler throws into a 500. No sockets here;
// http_session.cpp does the HTTP.
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/errors.hpp"
#include "api/request.hpp"
#include "api/router.hpp"

namespace ts::api {

class Dispatcher {
public:
    Dispatcher(Router router, std::string admin_token)
        : router_(std::move(router)), admin_token_(std::move(admin_token)) {}

    // Whether a request may go on, decided from its head alone so that the
    // server refuses before reading (or inviting, 100 Continue) a body.
    // nullopt: go on; otherwise the refusal (401). `path` is the raw path
    // without the query string. handle() decides the same way.
    std::optional<ApiError> admit(boost::beast::http::verb method, std::string_view path,
                                  const boost::beast::http::fields& headers) const;

    // `req.path` is the raw path, `req.query` still empty: `query` is the raw
    // query string (after '?').
    Response handle(Request& req, std::string_view query) const;

private:
    // The one place that decides access: public routes answer anyone, the
    // rest needs the admin token.
    std::optional<ApiError> access_denied(const RouteMatch& m, std::string_view path,
                                          std::string_view authorization) const;

    Router router_;
    std::string admin_token_;
};

}  // namespace ts::api
