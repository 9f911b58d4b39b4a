#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

#include <exception>

#include "net/listener.hpp"

namespace ts::net {

namespace {
ts::Error tls_error(std::string message) {
    return ts::Error{static_cast<int>(ErrorCode::TlsConfig), std::move(message)};
}
}  // namespace

ts::Expected<std::shared_ptr<boost::asio::ssl::context>, ts::Error> make_server_tls_context(
    const std::string& cert_file, const std::string& key_file) {
    using boost::asio::ssl::context;
    std::shared_ptr<context> ctx;
    try {
        ctx = std::make_shared<context>(context::tls_server);
    } catch (const std::exception& e) {
        return ts::unexpected(tls_error(std::string("creating TLS context: ") + e.what()));
    }
    boost::system::error_code ec;
    ctx->set_options(context::default_workarounds | context::no_sslv2 | context::no_sslv3 |
                         context::no_tlsv1 | context::no_tlsv1_1 | context::single_dh_use,
                     ec);
    SSL_CTX* native = ctx->native_handle();
    if (ec || SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1)
        return ts::unexpected(tls_error("cannot restrict TLS context to TLS 1.2+"));
    // Client-initiated renegotiation is a cheap way to make the server burn CPU.
    SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);

    ctx->use_certificate_chain_file(cert_file, ec);
    if (ec) return ts::unexpected(tls_error("certificate " + cert_file + ": " + ec.message()));
    ctx->use_private_key_file(key_file, context::pem, ec);
    if (ec) return ts::unexpected(tls_error("private key " + key_file + ": " + ec.message()));
    if (SSL_CTX_check_private_key(native) != 1)
        return ts::unexpected(
            tls_error("private key " + key_file + " does not match certificate " + cert_file));
    return ctx;
}

}  // namespace ts::net
