// Cursor encoding: base64url(JSON payload) "." base64url(HMAC-SHA256(payload)).
#include "server/cursor.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "scim/error.hpp"
#include "server/crypto.hpp"

namespace server {
namespace {

namespace json = boost::json;

std::string base64url(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    auto const n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<unsigned char const*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
}

bool unbase64url(std::string_view text, std::string& out) {
    std::string padded(text);
    for (char& c : padded) {
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    }
    while (padded.size() % 4) padded += '=';
    out.assign(3 * padded.size() / 4 + 1, '\0');
    auto const n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<unsigned char const*>(padded.data()), static_cast<int>(padded.size()));
    if (n < 0) return false;
    std::size_t size = static_cast<std::size_t>(n);
    for (auto it = padded.rbegin(); it != padded.rend() && *it == '='; ++it) --size;
    out.resize(size);
    return true;
}

std::string mac(std::string const& secret, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<unsigned char const*>(data.data()),
         data.size(), digest, &length);
    return std::string(reinterpret_cast<char const*>(digest), length);
}

std::int64_t seconds_since_epoch(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string CursorCodec::encode(CursorPosition const& position, std::string const& binding,
                                std::chrono::system_clock::time_point now) const {
    json::object payload;
    payload["k"] = position.key.sort_value ? json::value(*position.key.sort_value) : json::value(nullptr);
    payload["i"] = position.key.id;
    if (position.before) payload["b"] = true;
    payload["x"] = seconds_since_epoch(now + lifetime_);
    payload["q"] = sha256_hex(binding).substr(0, 16);
    auto const body = json::serialize(payload);
    return base64url(body) + "." + base64url(mac(secret_, body));
}

CursorPosition CursorCodec::decode(std::string_view cursor, std::string const& binding,
                                   std::chrono::system_clock::time_point now) const {
    auto const invalid = [] {
        return scim::Error::invalid_cursor("the cursor is not one this server issued for this query; start again "
                                           "with an empty cursor");
    };
    auto const dot = cursor.find('.');
    std::string body, signature;
    if (dot == std::string_view::npos || !unbase64url(cursor.substr(0, dot), body) ||
        !unbase64url(cursor.substr(dot + 1), signature))
        throw invalid();
    auto const expected = mac(secret_, body);
    if (signature.size() != expected.size() || CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0)
        throw invalid();
    json::error_code ec;
    auto const value = json::parse(body, ec);
    if (ec || !value.is_object()) throw invalid();
    auto const& payload = value.get_object();
    auto const* q = payload.if_contains("q");
    if (!q || !q->is_string() || q->get_string() != sha256_hex(binding).substr(0, 16)) throw invalid();
    auto const* x = payload.if_contains("x");
    if (!x || !x->is_int64()) throw invalid();
    if (x->get_int64() < seconds_since_epoch(now))
        throw scim::Error::expired_cursor("the cursor has expired (cursors last " + std::to_string(lifetime_.count()) +
                                          " seconds); start again with an empty cursor");
    auto const* k = payload.if_contains("k");
    auto const* i = payload.if_contains("i");
    if (!k || !i || !i->is_string() || !(k->is_null() || k->is_string())) throw invalid();
    CursorPosition position;
    if (k->is_string()) position.key.sort_value = std::string(k->get_string());
    position.key.id = std::string(i->get_string());
    auto const* b = payload.if_contains("b");
    position.before = b && b->is_bool() && b->get_bool();
    return position;
}

}  // namespace server
