// Request heads HTTP/1.1 refuses before any body is read: no Host (or two),
// a Transfer-Encoding other than exactly "chunked". Unit checks, then the
// same over a socket (400 MalformedRequest, connection closed).
#include "api/request_head.hpp"

#include "api_test_util.hpp"

namespace ts::api::test {
namespace {

http::request_header<> head(unsigned version) {
    http::request_header<> h;
    h.method(http::verb::post);
    h.target("/api/v1/products");
    h.version(version);
    return h;
}

TEST(RequestHead, NeedsExactlyOneHostInHttp11) {
    auto h = head(11);
    auto e = check_request_head(h);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, 400u);
    EXPECT_EQ(e->code, "MalformedRequest");
    h.set(http::field::host, "x");
    EXPECT_FALSE(check_request_head(h));
    h.insert(http::field::host, "y");
    EXPECT_TRUE(check_request_head(h));
    EXPECT_FALSE(check_request_head(head(10)));  // HTTP/1.0 has no Host
}

TEST(RequestHead, TransferEncodingMustBeExactlyChunked) {
    for (const char* ok : {"chunked", "Chunked", " chunked "}) {
        auto h = head(11);
        h.set(http::field::host, "x");
        h.set(http::field::transfer_encoding, ok);
        EXPECT_FALSE(check_request_head(h)) << ok;
    }
    for (const char* bad : {"gzip", "gzip, chunked", "chunked, gzip", "identity", "", "chunkedx"}) {
        auto h = head(11);
        h.set(http::field::host, "x");
        h.set(http::field::transfer_encoding, bad);
        auto e = check_request_head(h);
        ASSERT_TRUE(e) << bad;
        EXPECT_EQ(e->code, "MalformedRequest") << bad;
    }
    auto twice = head(11);
    twice.set(http::field::host, "x");
    twice.insert(http::field::transfer_encoding, "chunked");
    twice.insert(http::field::transfer_encoding, "chunked");
    EXPECT_TRUE(check_request_head(twice));
    auto old = head(10);
    old.set(http::field::transfer_encoding, "chunked");
    EXPECT_TRUE(check_request_head(old));
}

using RequestHeadServerTest = ApiTest;

TEST_F(RequestHeadServerTest, MissingHostIs400AndClosed) {
    client_->write_raw("GET /healthz HTTP/1.1\r\n\r\n");
    auto r = client_->read_reply();
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "MalformedRequest");
    EXPECT_NE(r.message().find("Host"), std::string::npos);
    EXPECT_TRUE(client_->closed_by_server());

    Client old(server_->port());  // HTTP/1.0 needs none
    old.write_raw("GET /healthz HTTP/1.0\r\n\r\n");
    EXPECT_EQ(old.read_reply().status, 200u);
}

TEST_F(RequestHeadServerTest, UnknownTransferEncodingIs400AndClosed) {
    // Read as "no body" this would create a product from {} and take the
    // gzip bytes for the next request.
    client_->write_raw("POST /api/v1/products HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                       std::string(kToken) +
                       "\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n"
                       "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = client_->read_reply();
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.code(), "MalformedRequest");
    EXPECT_NE(r.message().find("Transfer-Encoding"), std::string::npos);
    EXPECT_TRUE(client_->closed_by_server());

    // Exactly "chunked" is read as before.
    Client c(server_->port());
    std::string body = R"({"name":"lamp"})";
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", body.size());
    c.write_raw("POST /api/v1/products HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                std::string(kToken) +
                "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + size +
                body + "\r\n0\r\n\r\n");
    EXPECT_EQ(c.read_reply().status, 201u);
}

}  // namespace
}  // namespace ts::api::test
