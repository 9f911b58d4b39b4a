// Access is decided on the request head: a request without a valid token is
// refused before its body is read, gets no 100 Continue, and a declared
// Content-Length over the limit still gets the 401 (not a 413 telling it the
// limit). Valid tokens get 100 Continue and their body read as before
// (server_test.cpp).
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>

#include "api/dispatch.hpp"
#include "api_test_util.hpp"

namespace ts::api::test {
namespace {

// The status line of the next reply on `socket`.
std::string status_line(boost::asio::ip::tcp::socket& socket, boost::asio::streambuf& buf) {
    boost::asio::read_until(socket, buf, "\r\n");
    std::istream in(&buf);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string big_post_head(std::optional<std::string> token, bool expect_continue) {
    std::string head =
        "POST /api/v1/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000000\r\n";
    if (token) head += "Authorization: Bearer " + *token + "\r\n";
    if (expect_continue) head += "Expect: 100-continue\r\n";
    return head + "\r\n";
}

TEST(DispatcherAdmit, DecidesOnTheHeadAsHandleDoes) {
    Router router;
    router.add(
        http::verb::get, "/healthz", [](const Request&) { return Response{}; }, Access::Public);
    router.add(http::verb::post, "/api/v1/products", [](const Request&) { return Response{}; });
    Dispatcher d(std::move(router), kToken);
    http::fields none;
    http::fields good;
    good.set(http::field::authorization, std::string("Bearer ") + kToken);
    http::fields bad;
    bad.set(http::field::authorization, "Bearer nope");

    EXPECT_FALSE(d.admit(http::verb::get, "/healthz", none));
    EXPECT_FALSE(d.admit(http::verb::post, "/api/v1/products", good));
    auto denied = d.admit(http::verb::post, "/api/v1/products", bad);
    ASSERT_TRUE(denied);
    EXPECT_EQ(denied->status, 401u);
    EXPECT_EQ(denied->code, "Unauthenticated");
    // Unknown paths under /api/ ask for a token too; elsewhere they are 404s.
    EXPECT_TRUE(d.admit(http::verb::post, "/api/v1/nothing", none));
    EXPECT_TRUE(d.admit(http::verb::post, "/%61pi/v1/nothing", none));
    EXPECT_FALSE(d.admit(http::verb::get, "/elsewhere", none));
}

class AuthBeforeBodyTest : public ApiTest {
protected:
    // Short, so that a server that waits for the body fails the test soon
    // (it closes without a reply) instead of hanging it.
    void SetUp() override {
        ApiOptions opts;
        opts.body_timeout = std::chrono::milliseconds(2000);
        start_server(opts);
    }
};

TEST_F(AuthBeforeBodyTest, ExpectContinueWithoutTokenGets401AndNoContinue) {
    for (auto token : {std::optional<std::string>{}, std::optional<std::string>{"wrong"}}) {
        Client c(server_->port());
        c.write_raw(big_post_head(token, true));
        boost::asio::streambuf buf;
        EXPECT_EQ(status_line(c.socket(), buf), "HTTP/1.1 401 Unauthorized\r");
        // The rest of the reply is the JSON error, and then the server closes.
        boost::system::error_code ec;
        boost::asio::read(c.socket(), buf, ec);
        std::string rest(boost::asio::buffers_begin(buf.data()),
                         boost::asio::buffers_end(buf.data()));
        EXPECT_NE(rest.find("Connection: close"), std::string::npos) << rest;
        EXPECT_NE(rest.find(R"("code":"Unauthenticated")"), std::string::npos) << rest;
        EXPECT_EQ(rest.find("100 Continue"), std::string::npos) << rest;
    }
}

TEST_F(AuthBeforeBodyTest, DeclaredBodyWithoutTokenIsNotWaitedFor) {
    // No Expect: the body would follow, but is never sent; the 401 comes
    // from the head alone.
    client_->write_raw(big_post_head(std::string("wrong"), false));
    auto r = client_->read_reply();
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.code(), "Unauthenticated");
    EXPECT_EQ(r.header(http::field::www_authenticate), "Bearer realm=\"thingstead\"");
    EXPECT_TRUE(client_->closed_by_server());
}

TEST_F(AuthBeforeBodyTest, OversizeDeclaredBodyWithoutTokenIs401Not413) {
    client_->write_raw(
        "POST /api/v1/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 5000000\r\n\r\n");
    auto r = client_->read_reply();
    EXPECT_EQ(r.status, 401u);
    EXPECT_EQ(r.code(), "Unauthenticated");
    // With the token the limit is what stops it.
    Client c(server_->port());
    c.write_raw(
        "POST /api/v1/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 5000000\r\nAuthorization: Bearer " +
        std::string(kToken) + "\r\n\r\n");
    r = c.read_reply();
    EXPECT_EQ(r.status, 413u);
    EXPECT_EQ(r.code(), "PayloadTooLarge");
}

TEST_F(AuthBeforeBodyTest, RefusedClientSendingItsBodyAnywayStillReadsThe401) {
    // The body arrives with the head; the server discards it rather than
    // resetting the connection under the reply.
    std::string body(1000000, 'x');
    client_->write_raw(big_post_head(std::nullopt, false) + body.substr(0, 200000));
    auto r = client_->read_reply();
    EXPECT_EQ(r.status, 401u);
}

}  // namespace
}  // namespace ts::api::test
