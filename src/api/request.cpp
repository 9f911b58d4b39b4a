#include "api/request.hpp"

#include <cassert>
#include <nlohmann/json.hpp>

namespace ts::api {

const std::string& Request::param(const std::string& name) const {
    auto it = path_params.find(name);
    assert(it != path_params.end() && "route pattern has no such parameter");
    static const std::string kEmpty;
    return it == path_params.end() ? kEmpty : it->second;
}

std::optional<std::string> Request::query_param(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
}

std::string_view Request::header(std::string_view name) const {
    auto it = headers.find(name);
    if (it == headers.end()) return {};
    return {it->value().data(), it->value().size()};
}

Response Response::json(unsigned status, const nlohmann::json& body) {
    Response r;
    r.status = status;
    // replace: strings that came from the request are echoed in messages and
    // may hold invalid UTF-8; a reply must never throw while being written.
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

Response Response::text(unsigned status, std::string content_type, std::string body) {
    Response r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
}

}  // namespace ts::api
