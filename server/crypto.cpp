// OpenSSL-backed randomness, digests and key derivation.
#include "server/crypto.hpp"

#include <array>
#include <stdexcept>
#include <vector>

#include <cctype>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace server {
namespace {

constexpr int password_iterations = 600000;  // OWASP's figure for PBKDF2-HMAC-SHA256
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t hash_bytes = 32;

std::vector<unsigned char> random_bytes(std::size_t n) {
    std::vector<unsigned char> out(n);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) throw std::runtime_error("the random generator failed");
    return out;
}

std::string base64(unsigned char const* data, std::size_t n) {
    std::string out(4 * ((n + 2) / 3), '\0');
    auto const written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

std::string hex(unsigned char const* data, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(2 * n, '\0');
    for (std::size_t i = 0; i < n; ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0xf];
    }
    return out;
}

std::vector<unsigned char> pbkdf2(std::string_view password, std::vector<unsigned char> const& salt, int iterations) {
    std::vector<unsigned char> out(hash_bytes);
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                          static_cast<int>(salt.size()), iterations, EVP_sha256(), static_cast<int>(out.size()),
                          out.data()) != 1)
        throw std::runtime_error("password hashing failed");
    return out;
}

}  // namespace

std::string new_token() {
    auto const bytes = random_bytes(32);
    return "scimd_" + base64url(std::string_view(reinterpret_cast<char const*>(bytes.data()), bytes.size()));
}

std::string base64url(std::string_view bytes) {
    auto text = base64(reinterpret_cast<unsigned char const*>(bytes.data()), bytes.size());
    for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!text.empty() && text.back() == '=') text.pop_back();
    return text;
}

std::optional<std::string> from_base64(std::string_view text) {
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    std::string url(text);
    while (!url.empty() && url.back() == '=') url.pop_back();
    for (char& c : url) {
        if (c == '-' || c == '_') return std::nullopt;  // not of this alphabet
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return from_base64url(url);
}

std::optional<std::string> from_base64url(std::string_view text) {
    std::string padded(text);
    for (char& c : padded) {
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!std::isalnum(static_cast<unsigned char>(c)))
            return std::nullopt;
    }
    if (padded.size() % 4 == 1) return std::nullopt;
    while (padded.size() % 4) padded += '=';
    std::string out(3 * padded.size() / 4 + 1, '\0');
    auto const n =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<unsigned char const*>(padded.data()), static_cast<int>(padded.size()));
    if (n < 0) return std::nullopt;
    std::size_t size = static_cast<std::size_t>(n);
    for (auto it = padded.rbegin(); it != padded.rend() && *it == '='; ++it) --size;
    out.resize(size);
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<unsigned char const*>(data.data()),
         data.size(), digest, &length);
    return std::string(reinterpret_cast<char const*>(digest), length);
}

std::string sha256_hex(std::string_view text) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<unsigned char const*>(text.data()), text.size(), digest.data());
    return hex(digest.data(), digest.size());
}

std::string hash_password(std::string_view password) {
    auto const salt = random_bytes(salt_bytes);
    auto const hash = pbkdf2(password, salt, password_iterations);
    return "$pbkdf2-sha256$" + std::to_string(password_iterations) + "$" + base64(salt.data(), salt.size()) + "$" +
           base64(hash.data(), hash.size());
}

std::string new_request_id() {
    auto const bytes = random_bytes(8);
    return hex(bytes.data(), bytes.size());
}

}  // namespace server
