// Secrets: API tokens, their SHA-256, salted password hashes, HMACs and the base64url that carries them (OpenSSL).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace server {

/// A new API token: "scimd_" and 43 base64url characters of 256 random bits.
std::string new_token();

/// Lower-case hex SHA-256 of `text`: how tokens are stored and looked up.
std::string sha256_hex(std::string_view text);

/// A salted PBKDF2-HMAC-SHA256 hash of a password, self-describing:
/// "$pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>". Slow on purpose: call it off the I/O threads.
std::string hash_password(std::string_view password);

/// `bytes` as base64url without padding (RFC 4648 §5).
std::string base64url(std::string_view bytes);

/// The bytes of base64 `text` (RFC 4648 §4, padding optional, as in HTTP Basic credentials); nullopt when it is
/// not base64.
std::optional<std::string> from_base64(std::string_view text);

/// The bytes of base64url `text` (padding optional); nullopt when it is not base64url.
std::optional<std::string> from_base64url(std::string_view text);

/// HMAC-SHA256 of `data` under `key`, as raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// A short random id for a request, to find it in the log: 16 hex characters.
std::string new_request_id();

}  // namespace server
