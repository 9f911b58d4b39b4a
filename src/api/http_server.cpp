#include "api/http_server.hpp"

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "api/connection_limit.hpp"
#include "api/dispatch.hpp"
#include "api/http_session.hpp"
#include "api/routes.hpp"
#include "core/log.hpp"
#include "core/thread_name.hpp"

namespace ts::api {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct ApiServer::Impl {
    Impl(ApiOptions o, Router router)
        : opts(std::move(o)),
          dispatcher(std::move(router), opts.admin_token),
          connections(opts.max_connections),
          ioc(std::make_unique<asio::io_context>(static_cast<int>(opts.threads))),
          acceptor(std::in_place, *ioc),
          accept_backoff(std::in_place, *ioc) {}

    void do_accept();

    ApiOptions opts;
    Dispatcher dispatcher;
    // Before the io_context: the sessions it destroys give their slots back.
    ConnectionLimit connections;
    // Held by pointer so that stop() can destroy the io_context, and with it
    // every connection, while port() and the options stay valid. The
    // acceptor and the timer go first: they belong to the io_context.
    std::unique_ptr<asio::io_context> ioc;
    std::optional<tcp::acceptor> acceptor;
    std::optional<asio::steady_timer> accept_backoff;
    std::vector<std::thread> threads;
    std::uint16_t port = 0;
    bool stopped = false;
};

namespace {

Error make_error(ErrorCode code, std::string message) {
    return Error{static_cast<int>(code), std::move(message)};
}

const std::string& too_many_connections_reply() {
    static const std::string reply = [] {
        const std::string body =
            R"({"code":"TooManyConnections","message":"the server has too many open )"
            R"(connections; try again later"})";
        return "HTTP/1.1 503 Service Unavailable\r\nServer: Thingstead\r\n"
               "Content-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n"
               "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    return reply;
}

// A connection beyond max_connections: a 503 written without waiting (a new
// socket's send buffer takes these few bytes whole; if not, the client just
// sees the close), then closed. Whatever request bytes have arrived are read
// first, as closing over unread data resets the connection and could destroy
// the 503 before the client reads it.
void refuse(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    const auto& reply = too_many_connections_reply();
    socket.write_some(asio::buffer(reply), ignored);
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    std::array<char, 4096> discard;
    socket.read_some(asio::buffer(discard), ignored);
    socket.close(ignored);
}

}  // namespace

void ApiServer::Impl::do_accept() {
    acceptor->async_accept(
        asio::make_strand(*ioc), [this](boost::system::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
            if (ec) {
                // Usually out of file descriptors: wait a little instead of
                // spinning on the error.
                log::get("api")->warn("accept failed error={}", ec.message());
                accept_backoff->expires_after(std::chrono::milliseconds(100));
                accept_backoff->async_wait([this](boost::system::error_code tec) {
                    if (!tec) do_accept();
                });
                return;
            }
            auto slot = connections.try_acquire();
            if (!slot) {
                refuse(socket);
                return do_accept();
            }
            boost::system::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            start_session(std::move(socket), std::move(*slot), opts, dispatcher);
            do_accept();
        });
}

Expected<std::unique_ptr<ApiServer>, Error> ApiServer::start(ApiOptions opts,
                                                             registry::Registry& registry,
                                                             MessagePublisher& publisher,
                                                             MetricsSource& metrics,
                                                             HealthSource& health) {
    Router router;
    add_api_routes(router, Services{registry, publisher, metrics, health});
    return start(std::move(opts), std::move(router));
}

Expected<std::unique_ptr<ApiServer>, Error> ApiServer::start(ApiOptions opts, Router router) {
    if (opts.admin_token.empty())
        return unexpected(make_error(ErrorCode::InvalidOptions, "admin_token must not be empty"));
    if (opts.threads == 0)
        return unexpected(make_error(ErrorCode::InvalidOptions, "threads must be at least 1"));
    if (opts.max_connections == 0)
        return unexpected(
            make_error(ErrorCode::InvalidOptions, "max_connections must be at least 1"));
    boost::system::error_code ec;
    auto address = asio::ip::make_address(opts.bind, ec);
    if (ec)
        return unexpected(
            make_error(ErrorCode::InvalidAddress, "not an IP address: '" + opts.bind + "'"));

    auto impl = std::make_unique<Impl>(std::move(opts), std::move(router));
    tcp::endpoint endpoint(address, impl->opts.port);
    auto& acc = *impl->acceptor;
    auto fail = [&](const char* what) {
        return unexpected(make_error(
            ErrorCode::BindFailed, std::string(what) + " " + endpoint.address().to_string() + ":" +
                                       std::to_string(endpoint.port()) + ": " + ec.message()));
    };
    acc.open(endpoint.protocol(), ec);
    if (ec) return fail("open");
    acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (ec) return fail("set_option");
    acc.bind(endpoint, ec);
    if (ec) return fail("bind");
    acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return fail("listen");
    impl->port = acc.local_endpoint().port();

    impl->do_accept();
    for (std::size_t i = 0; i < impl->opts.threads; ++i) {
        impl->threads.emplace_back([io = impl->ioc.get()] {
            name_this_thread("ts-http");
            for (;;) {
                try {
                    io->run();
                    return;
                } catch (const std::exception& e) {
                    log::get("api")->error("event loop error={}", e.what());
                }
            }
        });
    }
    log::get("api")->info("http api listening address={} port={} threads={}",
                          endpoint.address().to_string(), impl->port, impl->opts.threads);
    return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ApiServer::~ApiServer() {
    stop();
}

std::uint16_t ApiServer::port() const {
    return impl_->port;
}

void ApiServer::stop() {
    if (!impl_ || impl_->stopped) return;
    impl_->stopped = true;
    impl_->ioc->stop();
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
    // Only now, with no thread inside the io_context, may the acceptor be
    // touched. Destroying the io_context destroys the handlers waiting in
    // it and with them the last references to the connections, which close.
    impl_->acceptor.reset();
    impl_->accept_backoff.reset();
    impl_->ioc.reset();
}

}  // namespace ts::api
