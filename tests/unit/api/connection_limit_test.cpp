// max_connections: connections beyond it are answered 503 TooManyConnections
// (or just closed) at once, counted, and a place frees when a connection ends.
#include "api/connection_limit.hpp"

#include <thread>

#include "api_test_util.hpp"

namespace ts::api::test {
namespace {

TEST(ConnectionLimit, SlotsAreCountedAndGivenBack) {
    ConnectionLimit limit(2);
    auto a = limit.try_acquire();
    auto b = limit.try_acquire();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(limit.open(), 2u);
    EXPECT_FALSE(limit.try_acquire());
    EXPECT_FALSE(limit.try_acquire());
    EXPECT_EQ(limit.refused(), 2u);
    a.reset();
    EXPECT_EQ(limit.open(), 1u);
    auto moved = std::move(*b);
    b.reset();  // a moved-from slot frees nothing
    EXPECT_EQ(limit.open(), 1u);
    EXPECT_TRUE(limit.try_acquire());
}

// The reply to a connection over the limit, or "" when the server closed or
// reset it without one (both are allowed).
std::string reply_over_limit(std::uint16_t port) {
    Client c(port);
    boost::system::error_code ec;
    boost::asio::write(c.socket(),
                       boost::asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")),
                       ec);
    std::string got;
    char buf[1024];
    for (;;) {
        auto n = c.socket().read_some(boost::asio::buffer(buf), ec);
        got.append(buf, n);
        if (ec) break;
    }
    return got;
}

class ConnectionLimitServerTest : public ApiTest {
protected:
    void SetUp() override {
        ApiOptions opts;
        opts.max_connections = 2;
        start_server(opts);
    }
};

TEST_F(ConnectionLimitServerTest, ConnectionsBeyondTheLimitAreRefused) {
    // client_ and `second` hold the two places (each has been served, so the
    // server has accepted both).
    EXPECT_EQ(client_->request(http::verb::get, "/healthz").status, 200u);
    auto second = std::make_unique<Client>(server_->port());
    EXPECT_EQ(second->request(http::verb::get, "/healthz").status, 200u);

    std::string got = reply_over_limit(server_->port());
    if (!got.empty()) {
        EXPECT_EQ(got.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << got;
        EXPECT_NE(got.find(R"("code":"TooManyConnections")"), std::string::npos) << got;
    }
    // The held connections still work.
    EXPECT_EQ(client_->request(http::verb::get, "/healthz").status, 200u);

    // When one leaves, a new connection is served again (the server notices
    // the close asynchronously, hence the retries).
    second.reset();
    bool served = false;
    for (int i = 0; i < 100 && !served; ++i) {
        served = reply_over_limit(server_->port()).rfind("HTTP/1.1 200", 0) == 0;
        if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(served);
}

TEST(ApiServerStart, RefusesZeroMaxConnections) {
    Router router;
    ApiOptions opts;
    opts.bind = "127.0.0.1";
    opts.port = 0;
    opts.admin_token = kToken;
    opts.max_connections = 0;
    auto s = ApiServer::start(opts, std::move(router));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, static_cast<int>(ErrorCode::InvalidOptions));
}

}  // namespace
}  // namespace ts::api::test
