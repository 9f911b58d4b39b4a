#include "net/tls_sniff.hpp"

#include <gtest/gtest.h>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <vector>

namespace ts::net {
namespace {

// The first flight of a real OpenSSL client, captured through memory BIOs.
std::vector<std::uint8_t> real_client_hello() {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, out);
    SSL_set_connect_state(ssl);
    SSL_set_tlsext_host_name(ssl, "localhost");
    SSL_do_handshake(ssl);  // wants to read the ServerHello; the ClientHello is in `out`
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(BIO_pending(out)));
    BIO_read(out, bytes.data(), static_cast<int>(bytes.size()));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return bytes;
}

TEST(TlsSniff, RecognisesARealClientHello) {
    auto hello = real_client_hello();
    ASSERT_GT(hello.size(), 50u);
    EXPECT_TRUE(looks_like_tls_client_hello(hello));
    // The broker may have only the first few bytes.
    EXPECT_TRUE(looks_like_tls_client_hello(std::span(hello).first(3)));
    EXPECT_TRUE(looks_like_tls_client_hello(std::span(hello).first(6)));
}

TEST(TlsSniff, RejectsMqttConnect) {
    const std::uint8_t connect311[] = {0x10, 0x0c, 0x00, 0x04, 'M',  'Q',  'T',
                                       'T',  0x04, 0x02, 0x00, 0x3c, 0x00, 0x00};
    EXPECT_FALSE(looks_like_tls_client_hello(connect311));
    const std::uint8_t connect5[] = {0x10, 0x10, 0x00, 0x04, 'M',  'Q',  'T', 'T',  0x05,
                                     0x02, 0x00, 0x3c, 0x00, 0x00, 0x01, 'c', 0x00, 0x00};
    EXPECT_FALSE(looks_like_tls_client_hello(connect5));
}

TEST(TlsSniff, RejectsOtherInput) {
    EXPECT_FALSE(looks_like_tls_client_hello({}));
    const std::uint8_t short_prefix[] = {0x16, 0x03};
    EXPECT_FALSE(looks_like_tls_client_hello(short_prefix));
    const std::uint8_t http[] = {'G', 'E', 'T', ' ', '/', ' '};
    EXPECT_FALSE(looks_like_tls_client_hello(http));
    const std::uint8_t bad_version[] = {0x16, 0x03, 0x09, 0x00, 0x10, 0x01};
    EXPECT_FALSE(looks_like_tls_client_hello(bad_version));
    const std::uint8_t server_hello[] = {0x16, 0x03, 0x03, 0x00, 0x40, 0x02};
    EXPECT_FALSE(looks_like_tls_client_hello(server_hello));
    const std::uint8_t zero_length[] = {0x16, 0x03, 0x01, 0x00, 0x00, 0x01};
    EXPECT_FALSE(looks_like_tls_client_hello(zero_length));
}

}  // namespace
}  // namespace ts::net
