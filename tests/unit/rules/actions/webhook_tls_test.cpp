// The webhook target over HTTPS against a real TLS server with a
// self-signed certificate for "localhost": verification on by default, the
// host name checked, and `insecure` skipping both.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "../../support/temp_dir.hpp"
#include "rules/actions/action.hpp"

namespace ts::rules {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
using nlohmann::json;

// Answers 200 to each request on each connection until destroyed.
class TlsServer {
public:
    explicit TlsServer(const test::TempDir& dir)
        : acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
        cert_ = dir.file("cert.pem");
        const auto key = dir.file("key.pem");
        const std::string cmd =
            "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost "
            "-addext subjectAltName=DNS:localhost -days 1 -keyout " +
            key + " -out " + cert_ + " >/dev/null 2>&1";
        ok_ = std::system(cmd.c_str()) == 0;
        if (!ok_) return;
        ctx_.use_certificate_chain_file(cert_);
        ctx_.use_private_key_file(key, ssl::context::pem);
        thread_ = std::thread([this] { serve(); });
    }
    ~TlsServer() {
        stopping_ = true;
        boost::system::error_code ec;
        asio::ip::tcp::socket poke(ioc_);
        poke.connect(acceptor_.local_endpoint(), ec);  // wakes accept()
        if (thread_.joinable()) thread_.join();
    }
    bool ok() const { return ok_; }
    const std::string& cert() const { return cert_; }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }

private:
    void serve() {
        while (!stopping_) {
            boost::system::error_code ec;
            ssl::stream<asio::ip::tcp::socket> s(ioc_, ctx_);
            acceptor_.accept(s.next_layer(), ec);
            if (ec || stopping_) return;
            s.handshake(ssl::stream_base::server, ec);
            if (ec) continue;  // the client refused our certificate
            boost::beast::flat_buffer buf;
            for (;;) {
                http::request<http::string_body> req;
                http::read(s, buf, req, ec);
                if (ec) break;
                http::response<http::string_body> res{http::status::ok, 11};
                res.keep_alive(req.keep_alive());
                res.prepare_payload();
                http::write(s, res, ec);
                if (ec) break;
            }
        }
    }

    asio::io_context ioc_;
    asio::ip::tcp::acceptor acceptor_;
    ssl::context ctx_{ssl::context::tls_server};
    std::string cert_;
    bool ok_ = false;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

Expected<void, SendError> send_to(const std::string& url, bool insecure) {
    auto spec = parse_action(
        json{{"type", "webhook"}, {"url", url}, {"insecure", insecure}, {"timeoutMs", 3000}}, "");
    EXPECT_TRUE(spec.has_value()) << spec.error();
    auto target = make_target(*spec, TargetEnv{});
    EXPECT_TRUE(target.has_value());
    ActionItem item;
    item.row = {{"a", 1}};
    return (*target)->send(item);
}

TEST(WebhookTls, UntrustedCertificateIsNotRetryable) {
    test::TempDir dir;
    TlsServer server(dir);
    ASSERT_TRUE(server.ok());
    auto r = send_to("https://localhost:" + std::to_string(server.port()) + "/h", false);
    ASSERT_FALSE(r.has_value());
    EXPECT_FALSE(r.error().retryable);
    EXPECT_NE(r.error().reason.find("certificate"), std::string::npos) << r.error().reason;
}

TEST(WebhookTls, InsecureSkipsVerification) {
    test::TempDir dir;
    TlsServer server(dir);
    ASSERT_TRUE(server.ok());
    auto r = send_to("https://127.0.0.1:" + std::to_string(server.port()) + "/h", true);
    EXPECT_TRUE(r.has_value()) << r.error().reason;
}

// OpenSSL's default verify paths honour SSL_CERT_FILE, which lets the test
// trust its own certificate as if it were a system CA.
TEST(WebhookTls, TrustedCertificateAndHostName) {
    test::TempDir dir;
    TlsServer server(dir);
    ASSERT_TRUE(server.ok());
    ::setenv("SSL_CERT_FILE", server.cert().c_str(), 1);
    auto good = send_to("https://localhost:" + std::to_string(server.port()) + "/h", false);
    // The certificate names localhost, not 127.0.0.1.
    auto wrong_name = send_to("https://127.0.0.1:" + std::to_string(server.port()) + "/h", false);
    ::unsetenv("SSL_CERT_FILE");
    EXPECT_TRUE(good.has_value()) << good.error().reason;
    ASSERT_FALSE(wrong_name.has_value());
    EXPECT_FALSE(wrong_name.error().retryable);
    EXPECT_NE(wrong_name.error().reason.find("mismatch"), std::string::npos)
        << wrong_name.error().reason;
}

}  // namespace
}  // namespace ts::rules
