#pragma once
// A request as handlers see it (method, decoded path and query parameters,
// headers, raw body) and the response they return. Handlers are plain
// functions of Request -> Response, so they are tested without sockets and
// the server owns every detail of HTTP.
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ts::api {

class EventStream;

inline constexpr std::string_view kJsonContentType = "application/json; charset=utf-8";

struct Request {
    boost::beast::http::verb method = boost::beast::http::verb::get;
    std::string path;                                // raw (still percent-encoded), no query
    std::map<std::string, std::string> path_params;  // {name} segments, URL-decoded
    std::map<std::string, std::string> query;        // URL-decoded; the first of duplicates wins
    boost::beast::http::fields headers;
    std::string body;

    // The {name} parameter; the router guarantees that it exists.
    const std::string& param(const std::string& name) const;
    // A query parameter, nullopt when absent.
    std::optional<std::string> query_param(const std::string& name) const;
    // The header's value, empty when absent.
    std::string_view header(std::string_view name) const;
};

struct Response {
    unsigned status = 200;
    std::string content_type = std::string(kJsonContentType);
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers
    // Set: the body is this stream of server-sent events, written as it is
    // produced (chunked) until it closes or the client leaves; `body` unused.
    std::shared_ptr<EventStream> stream;

    static Response json(unsigned status, const nlohmann::json& body);
    static Response text(unsigned status, std::string content_type, std::string body);
};

}  // namespace ts::api
