// Server URLs, URL encoding and API error bodies.
#include <gtest/gtest.h>

#include "app/cli/http_client.hpp"

namespace ts::app::cli {
namespace {

TEST(CliHttp, ParsesServerUrls) {
    auto a = parse_server_url("http://127.0.0.1:8080");
    ASSERT_TRUE(a);
    EXPECT_FALSE(a->tls);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, "8080");
    EXPECT_EQ(a->base_path, "");

    auto b = parse_server_url("https://iot.example.com/thingstead/");
    ASSERT_TRUE(b);
    EXPECT_TRUE(b->tls);
    EXPECT_EQ(b->port, "443");
    EXPECT_EQ(b->base_path, "/thingstead");

    auto c = parse_server_url("http://[::1]:9000");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->host, "::1");
    EXPECT_EQ(c->port, "9000");
}

TEST(CliHttp, RejectsBadServerUrls) {
    EXPECT_FALSE(parse_server_url("127.0.0.1:8080"));
    EXPECT_FALSE(parse_server_url("ftp://x"));
    EXPECT_FALSE(parse_server_url("http://"));
    EXPECT_FALSE(parse_server_url("http://host:"));
    EXPECT_FALSE(parse_server_url("http://host:70000"));
    EXPECT_FALSE(parse_server_url("http://host:8x"));
    EXPECT_FALSE(parse_server_url("http://user:pw@host"));
    EXPECT_FALSE(parse_server_url("http://host/?q"));
    EXPECT_NE(parse_server_url("localhost:8080").error().find("http://"), std::string::npos);
}

TEST(CliHttp, UrlEncodeKeepsOnlyUnreserved) {
    EXPECT_EQ(url_encode("aZ09-._~"), "aZ09-._~");
    EXPECT_EQ(url_encode("/a b:c&d=e%"), "%2Fa%20b%3Ac%26d%3De%25");
    EXPECT_EQ(url_encode("\xC3\xA9"), "%C3%A9");
}

TEST(CliHttp, ErrorFromApiBody) {
    auto e = error_from_reply(404, "Not Found",
                              R"({"code":"ProductNotFound","message":"no product a1"})");
    EXPECT_EQ(e.status, 404u);
    EXPECT_EQ(e.code, "ProductNotFound");
    EXPECT_EQ(describe(e), "404 ProductNotFound: no product a1");
}

TEST(CliHttp, ErrorFromForeignBody) {
    auto e = error_from_reply(502, "Bad Gateway", "<html>upstream down</html>\n");
    EXPECT_EQ(describe(e), "502 Bad Gateway: <html>upstream down</html>");
    EXPECT_EQ(describe(error_from_reply(500, "", "")), "500 HTTPError");
}

TEST(CliHttp, TransportErrorsAreReportedWithoutStatus) {
    // Port 1 on loopback: nothing listens there, so the connect is refused.
    HttpClient client(*parse_server_url("http://127.0.0.1:1"), "t", std::chrono::seconds(5));
    auto r = client.call(Method::Get, "/api/v1/products");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 0u);
    EXPECT_NE(describe(r.error()).find("cannot reach http://127.0.0.1:1"), std::string::npos)
        << describe(r.error());
}

}  // namespace
}  // namespace ts::app::cli
