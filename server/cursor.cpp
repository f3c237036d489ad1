// Cursor encoding: base64url(JSON payload) "." base64url(HMAC-SHA256(payload)).
#include "server/cursor.hpp"

#include <openssl/crypto.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "scim/error.hpp"
#include "server/crypto.hpp"

namespace server {
namespace {

namespace json = boost::json;

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
    return base64url(body) + "." + base64url(hmac_sha256(secret_, body));
}

CursorPosition CursorCodec::decode(std::string_view cursor, std::string const& binding,
                                   std::chrono::system_clock::time_point now) const {
    auto const invalid = [] {
        return scim::Error::invalid_cursor(
            "the cursor is not one this server issued for this query; start again "
            "with an empty cursor");
    };
    auto const dot = cursor.find('.');
    if (dot == std::string_view::npos) throw invalid();
    auto const decoded_body = from_base64url(cursor.substr(0, dot));
    auto const decoded_signature = from_base64url(cursor.substr(dot + 1));
    if (!decoded_body || !decoded_signature) throw invalid();
    auto const& body = *decoded_body;
    auto const& signature = *decoded_signature;
    auto const expected = hmac_sha256(secret_, body);
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
