#pragma once
// The management API's HTTP/1.1 server (Boost.Beast). It runs on its OWN
// io_context and threads, not the broker's event loops: handlers call the
// registry, whose writes go synchronously to SQLite, and a slow disk must
// not stall MQTT traffic.
//
// Per connection: keep-alive, one request at a time (pipelined requests wait
// in the read buffer), a body limit (413), a deadline for the headers (which
// is also the keep-alive idle limit) and one for the body, so slow or idle
// clients are closed. The headers are checked (framing, then access) before
// any body is read, so an unauthenticated client never gets a body buffered
// nor a 100 Continue. At most max_connections are open; more are refused
// with a 503 at once.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api/router.hpp"
#include "api/services.hpp"
#include "core/error.hpp"
#include "core/expected.hpp"
#include "registry/registry.hpp"

namespace ts::api {

// ts::Error::code values produced by ApiServer::start.
enum class ErrorCode : int {
    InvalidOptions = 1,  // no admin token, zero threads or max_connections
    InvalidAddress = 2,  // bind is not an IP address
    BindFailed = 3,      // open / bind / listen failed (the message carries the OS error)
};

struct ApiOptions {
    std::string bind = "0.0.0.0";
    std::uint16_t port = 8080;  // 0: any free port (see ApiServer::port)
    std::size_t threads = 1;
    std::string admin_token;  // required
    std::size_t body_limit = 1024 * 1024;
    std::size_t header_limit = 16 * 1024;
    // Open connections (event streams included); beyond it a new connection
    // gets 503 TooManyConnections and is closed.
    std::size_t max_connections = 1024;
    std::chrono::milliseconds header_timeout{15000};  // from the end of the last reply
    std::chrono::milliseconds body_timeout{30000};
    std::chrono::milliseconds write_timeout{30000};
    // An idle event stream sends a comment this often, so dead peers are found.
    std::chrono::milliseconds stream_heartbeat{15000};
};

class ApiServer {
public:
    // The management API of this issue (products, devices, topic classes,
    // messages, health and readiness, metrics, openapi.json) on
    // `opts.bind:opts.port`. The services must outlive the server.
    static Expected<std::unique_ptr<ApiServer>, Error> start(ApiOptions opts,
                                                             registry::Registry& registry,
                                                             MessagePublisher& publisher,
                                                             MetricsSource& metrics,
                                                             HealthSource& health);
    // Any routes: for callers that add their own (console files, later
    // resources) to a Router that add_api_routes() has filled.
    static Expected<std::unique_ptr<ApiServer>, Error> start(ApiOptions opts, Router router);

    ~ApiServer();  // implies stop()
    ApiServer(const ApiServer&) = delete;
    ApiServer& operator=(const ApiServer&) = delete;

    std::uint16_t port() const;  // the bound port
    // Stops accepting, closes every connection and joins the threads. Not
    // from a handler (it would join its own thread). Idempotent.
    void stop();

    struct Impl;

private:
    explicit ApiServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace ts::api
