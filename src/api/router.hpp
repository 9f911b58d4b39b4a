#pragma once
// (method, path pattern) -> handler. Patterns are split on '/'; a segment is
// a literal or a `{name}` variable, the last one may end in a Google-style
// custom verb (`/devices/{dn}:disable`, `/devices:batch`), and a last segment
// `{name=**}` takes the rest of the path (for static files). Segments are
// URL-decoded after splitting, so an encoded "%2F" stays inside its segment.
//
// A custom verb is the text after the last raw ':' of the last segment. Device
// names may contain ':', so a route without a verb takes the whole segment:
// GET .../devices/a:b reads device "a:b", POST .../devices/a:b:disable
// disables it, and "%3A" is never a verb separator.
#include <boost/beast/http/verb.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/request.hpp"

namespace ts::api {

// Who may call a route. Admin: the bearer token given at start (API keys
// with narrower rights come later).
enum class Access { Public, Admin };

using Handler = std::function<Response(const Request&)>;

struct Route {
    boost::beast::http::verb method;
    std::string pattern;
    Access access = Access::Admin;
    Handler handler;
};

struct RouteMatch {
    enum class Kind { Found, NotFound, MethodNotAllowed, BadPath } kind = Kind::NotFound;
    const Route* route = nullptr;                 // Found
    std::map<std::string, std::string> params;    // Found
    std::vector<boost::beast::http::verb> allow;  // MethodNotAllowed: the methods that would match
};

class Router {
public:
    // Patterns are checked when added; a malformed one is a programming
    // error (assert) and is ignored in release builds.
    void add(boost::beast::http::verb method, std::string pattern, Handler handler,
             Access access = Access::Admin);

    // `path` is the raw request path without the query string. When several
    // routes match, the most specific wins: more literal segments first,
    // then a custom verb over a variable that would swallow it.
    RouteMatch match(boost::beast::http::verb method, std::string_view path) const;

    const std::vector<Route>& routes() const { return routes_; }

private:
    struct Segment {
        enum class Kind { Literal, Variable, Rest } kind;
        std::string text;  // the literal or the variable name
    };
    struct Compiled {
        std::vector<Segment> segments;
        std::string verb;  // empty: none
    };
    std::vector<Route> routes_;
    std::vector<Compiled> compiled_;  // parallel to routes_
};

// Percent-decoding. In a query string '+' also means a space. nullopt when a
// '%' is not followed by two hex digits.
std::optional<std::string> url_decode(std::string_view s, bool plus_is_space);

// "a=1&b=x%20y" -> {a: "1", b: "x y"}; the first of duplicate keys wins.
// nullopt on a bad escape.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view query);

}  // namespace ts::api
