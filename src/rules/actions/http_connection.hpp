#pragma once
// One keep-alive HTTP/1.1 connection to one server, plain or TLS, used from
// one thread. Each exchange is bounded by a deadline covering resolve,
// connect, TLS handshake, request and reply. After any failure the
// connection is dropped and the next exchange dials again, so a server that
// was down is picked up again without a restart.
#include <chrono>
#include <memory>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "core/expected.hpp"
#include "rules/actions/http_url.hpp"

namespace ts::rules::actions {

struct HttpReply {
    unsigned status = 0;
    std::string body;
};

struct HttpFailure {
    std::string reason;
    // False when trying again soon cannot help (the certificate is not
    // trusted).
    bool retryable = true;
};

class HttpConnection {
public:
    using Request = boost::beast::http::request<boost::beast::http::string_body>;
    using Deadline = std::chrono::steady_clock::time_point;

    HttpConnection(HttpUrl url, bool insecure);
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    Expected<HttpReply, HttpFailure> exchange(Request& req, Deadline deadline);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ts::rules::actions
