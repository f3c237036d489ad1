// Signing Security Event Tokens: JWS compact serialization with ES256 or RS256 (RFC 7515, RFC 7518), keys as JWKs
// (RFC 7517) so that receivers verify them from the server's JWKS document. OpenSSL does the cryptography. ES256 is
// the default: a P-256 signature costs a few dozen microseconds where an RSA-2048 one costs a millisecond, and the
// delivery worker signs every SET.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "storage/event_repository.hpp"

namespace server {

/// A new key for `algorithm` (ES256: P-256; RS256: RSA 2048): its PEM private key, and its public JWK with a kid
/// derived from the public key. @throws std::invalid_argument for another algorithm.
storage::SigningKey generate_signing_key(std::string const& algorithm = "ES256");

/// A key ready to sign with, parsed once.
class JwsSigner {
public:
    explicit JwsSigner(storage::SigningKey const& key);
    ~JwsSigner();
    JwsSigner(JwsSigner const&) = delete;
    JwsSigner& operator=(JwsSigner const&) = delete;

    std::string const& kid() const { return kid_; }
    /// `payload` (JSON claims) as a compact JWS with header {"alg":...,"kid":...,"typ":`type`}.
    std::string sign(std::string_view payload, std::string_view type = "secevent+jwt") const;

private:
    std::string kid_;
    std::string algorithm_;
    struct Key;
    std::unique_ptr<Key> key_;
};

/// The public JWK (with alg and a kid derived from the key) of a PEM public key: RSA of 2048 bits or more (RS256) or
/// P-256 (ES256); nullopt for anything else.
std::optional<std::string> public_jwk_of_pem(std::string_view pem);

/// Whether `jws` is a compact JWS signed (ES256 or RS256, as its header says and the key allows) by the public key
/// `jwk` (JSON); its payload when it is.
std::optional<std::string> verify_jws(std::string_view jws, std::string_view jwk);

}  // namespace server
