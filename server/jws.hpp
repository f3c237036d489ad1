// Signing Security Event Tokens: JWS compact serialization with RS256 (RFC 7515, RFC 7518), keys as JWKs (RFC 7517)
// so that receivers verify them from the server's JWKS document. OpenSSL does the cryptography.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "storage/event_repository.hpp"

namespace server {

/// A new RSA 2048 key for RS256: its PEM private key, and its public JWK with a kid derived from the key.
storage::SigningKey generate_signing_key();

/// A key ready to sign with, parsed once.
class JwsSigner {
public:
    explicit JwsSigner(storage::SigningKey const& key);
    ~JwsSigner();
    JwsSigner(JwsSigner const&) = delete;
    JwsSigner& operator=(JwsSigner const&) = delete;

    std::string const& kid() const { return kid_; }
    /// `payload` (JSON claims) as a compact JWS with header {"alg":"RS256","kid":...,"typ":"secevent+jwt"}.
    std::string sign(std::string_view payload) const;

private:
    std::string kid_;
    struct Key;
    std::unique_ptr<Key> key_;
};

/// Whether `jws` is a compact JWS signed with RS256 by the public key `jwk` (JSON); its payload when it is.
std::optional<std::string> verify_jws(std::string_view jws, std::string_view jwk);

}  // namespace server
