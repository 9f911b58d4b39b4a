#pragma once
// From a parsed request to a response: route, authenticate, call the
// handler, and turn anything a handler throws into a 500. No sockets here;
// http_server.cpp does the HTTP.
#include <string>

#include "api/request.hpp"
#include "api/router.hpp"

namespace ts::api {

class Dispatcher {
public:
    Dispatcher(Router router, std::string admin_token)
        : router_(std::move(router)), admin_token_(std::move(admin_token)) {}

    // `req.path` is the raw path, `req.query` still empty: `query` is the raw
    // query string (after '?').
    Response handle(Request& req, std::string_view query) const;

private:
    Router router_;
    std::string admin_token_;
};

}  // namespace ts::api
