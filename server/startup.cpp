// Startup checks.
#include "server/startup.hpp"

#include <openssl/ssl.h>
#include <boost/asio/ssl.hpp>
#include <pqxx/pqxx>

#include "server/server.hpp"
#include "storage/cursor_secret.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace server {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

std::unique_ptr<ssl::context> make_tls_context(ServeConfig const& config) {
    if (config.tls_cert.empty() || config.tls_key.empty())
        throw StartupError("HTTPS needs --tls-cert and --tls-key (or --no-tls behind a TLS-terminating load balancer)");
    auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    // TLS 1.2 with forward secrecy and AEAD only (TLS 1.3's suites are all of that kind); no renegotiation.
    if (SSL_CTX_set_cipher_list(
            context->native_handle(),
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
            "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1)
        throw StartupError("this OpenSSL offers none of the TLS 1.2 ECDHE AEAD cipher suites");
    SSL_CTX_set_options(context->native_handle(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    boost::system::error_code ec;
    context->use_certificate_chain_file(config.tls_cert, ec);
    if (ec) throw StartupError("cannot load the TLS certificate " + config.tls_cert + ": " + ec.message());
    context->use_private_key_file(config.tls_key, ssl::context::pem, ec);
    if (ec) throw StartupError("cannot load the TLS key " + config.tls_key + ": " + ec.message());
    return context;
}

tcp::endpoint listen_endpoint(std::string const& listen, std::string_view option) {
    auto const flag = std::string(option);
    auto const colon = listen.rfind(':');
    if (colon == std::string::npos) throw StartupError(flag + " must be host:port, not \"" + listen + "\"");
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    boost::system::error_code ec;
    auto const address = net::ip::make_address(host, ec);
    if (ec) throw StartupError(flag + ": \"" + host + "\" is not an IP address");
    int port = -1;
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (std::exception const&) {
    }
    if (port < 0 || port > 65535) throw StartupError(flag + ": bad port in \"" + listen + "\"");
    return {address, static_cast<unsigned short>(port)};
}

std::string prepare_database(std::string const& url) {
    auto connection = storage::connect(url);
    auto const status = storage::migration_status(*connection);
    if (status.applied < status.latest)
        throw StartupError("the database schema is at version " + std::to_string(status.applied) +
                           ", this scimd needs " + std::to_string(status.latest) + ": run 'scimd migrate' first");
    if (status.applied > status.latest)
        throw StartupError("the database schema is at version " + std::to_string(status.applied) +
                           ", newer than this scimd knows (" + std::to_string(status.latest) + "): upgrade scimd");
    pqxx::read_transaction tx(*connection);
    return storage::load_cursor_secret(tx);
}

}  // namespace server
