#pragma once
// A self-signed certificate for localhost, generated once per test run into a
// temporary directory that is removed at exit.
#include <boost/asio/ssl.hpp>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "net/listener.hpp"

namespace ts::net::test {

struct TestCert {
    std::string dir, cert, key;
    TestCert() {
        char tmpl[] = "/tmp/ts_net_test_XXXXXX";
        if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir = tmpl;
        cert = dir + "/cert.pem";
        key = dir + "/key.pem";
        std::string cmd =
            "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost "
            "-addext subjectAltName=DNS:localhost -days 1 -keyout " +
            key + " -out " + cert + " >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl req failed");
    }
    ~TestCert() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    TestCert(const TestCert&) = delete;
    TestCert& operator=(const TestCert&) = delete;
};

inline const TestCert& test_cert() {
    static TestCert cert;
    return cert;
}

inline std::shared_ptr<boost::asio::ssl::context> server_tls_context() {
    auto ctx = make_server_tls_context(test_cert().cert, test_cert().key);
    if (!ctx) throw std::runtime_error(ctx.error().message);
    return *ctx;
}

// Trusts only the test certificate and checks the host name.
inline boost::asio::ssl::context client_tls_context() {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
    ctx.load_verify_file(test_cert().cert);
    ctx.set_verify_mode(boost::asio::ssl::verify_peer);
    return ctx;
}

}  // namespace ts::net::test
