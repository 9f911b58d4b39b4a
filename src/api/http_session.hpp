#pragma once
// A connection of the API server (see http_server.hpp for the policy).
#include <boost/asio/ip/tcp.hpp>

#include "api/connection_limit.hpp"
#include "api/dispatch.hpp"
#include "api/http_server.hpp"

namespace ts::api {

// Serves requests on `socket` until the client leaves, a deadline passes or
// the io_context goes, holding `slot` meanwhile. `opts` and `dispatcher` must
// outlive the io_context.
void start_session(boost::asio::ip::tcp::socket socket, ConnectionLimit::Slot slot,
                   const ApiOptions& opts, const Dispatcher& dispatcher);

}  // namespace ts::api
