// ES256 and RS256 JWS with OpenSSL 3.
#include "server/jws.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "server/crypto.hpp"

namespace server {

namespace {

namespace json = boost::json;

struct PkeyDeleter {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

constexpr std::size_t p256_size = 32;  // bytes of a P-256 coordinate, and of each half of an ES256 signature

unsigned char const* bytes_of(std::string_view s) { return reinterpret_cast<unsigned char const*>(s.data()); }

std::string big_number(EVP_PKEY* key, char const* name, std::size_t pad = 0) {
    BIGNUM* n = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &n) != 1) throw std::runtime_error("cannot read a key parameter");
    auto const size = pad ? pad : static_cast<std::size_t>(BN_num_bytes(n));
    std::string bytes(size, '\0');
    BN_bn2binpad(n, reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(size));
    BN_free(n);
    return bytes;
}

std::string public_jwk(EVP_PKEY* key, std::string const& algorithm, std::string const& kid) {
    if (algorithm == "ES256")
        return json::serialize(json::object{{"kty", "EC"},
                                            {"crv", "P-256"},
                                            {"use", "sig"},
                                            {"alg", "ES256"},
                                            {"kid", kid},
                                            {"x", base64url(big_number(key, OSSL_PKEY_PARAM_EC_PUB_X, p256_size))},
                                            {"y", base64url(big_number(key, OSSL_PKEY_PARAM_EC_PUB_Y, p256_size))}});
    return json::serialize(json::object{{"kty", "RSA"},
                                        {"use", "sig"},
                                        {"alg", "RS256"},
                                        {"kid", kid},
                                        {"n", base64url(big_number(key, OSSL_PKEY_PARAM_RSA_N))},
                                        {"e", base64url(big_number(key, OSSL_PKEY_PARAM_RSA_E))}});
}

// The kid names a key by its public part: the same key always has the same kid.
std::string kid_of(EVP_PKEY* key, std::string const& algorithm) {
    auto const public_part = algorithm == "ES256" ? big_number(key, OSSL_PKEY_PARAM_EC_PUB_X, p256_size) +
                                                        big_number(key, OSSL_PKEY_PARAM_EC_PUB_Y, p256_size)
                                                  : big_number(key, OSSL_PKEY_PARAM_RSA_N);
    return sha256_hex(public_part).substr(0, 16);
}

// ECDSA gives a DER sequence of r and s; JWS wants them as two fixed-size big-endian numbers (RFC 7518 §3.4).
std::string der_to_raw(std::string const& der) {
    auto const* p = bytes_of(der);
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    if (!sig) throw std::runtime_error("an ECDSA signature that is not DER");
    std::string raw(2 * p256_size, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), p256_size);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + p256_size, p256_size);
    ECDSA_SIG_free(sig);
    return raw;
}

std::optional<std::string> raw_to_der(std::string const& raw) {
    if (raw.size() != 2 * p256_size) return std::nullopt;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(bytes_of(raw), p256_size, nullptr),
                   BN_bin2bn(bytes_of(raw) + p256_size, p256_size, nullptr));
    unsigned char* der = nullptr;
    int const length = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (length <= 0) return std::nullopt;
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return out;
}

std::string digest_sign(EVP_PKEY* key, std::string_view input) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t size = 0;
    std::string signature;
    bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestSign(ctx, nullptr, &size, bytes_of(input), input.size()) == 1;
    if (ok) {
        signature.resize(size);
        ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size, bytes_of(input),
                            input.size()) == 1;
        signature.resize(size);
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) throw std::runtime_error("signing a SET failed");
    return signature;
}

// The public key of a JWK, or null when it is not an RSA or P-256 key that parses.
Pkey key_of(json::object const& jwk) {
    auto const text = [&](char const* name) -> std::optional<std::string> {
        auto const* v = jwk.if_contains(name);
        if (!v || !v->is_string()) return std::nullopt;
        return from_base64url(v->as_string());
    };
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    std::vector<BIGNUM*> numbers;
    char const* type = nullptr;
    std::string point;
    auto const* kty = jwk.if_contains("kty");
    if (kty && *kty == "RSA") {
        auto const n = text("n"), e = text("e");
        if (n && e && n->size() >= 256) {  // RSA keys of at least 2048 bits (RFC 7518 §3.3)
            numbers = {BN_bin2bn(bytes_of(*n), static_cast<int>(n->size()), nullptr),
                       BN_bin2bn(bytes_of(*e), static_cast<int>(e->size()), nullptr)};
            OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, numbers[0]);
            OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, numbers[1]);
            type = "RSA";
        }
    } else if (kty && *kty == "EC" && jwk.if_contains("crv") && jwk.at("crv") == "P-256") {
        auto const x = text("x"), y = text("y");
        if (x && y && x->size() == p256_size && y->size() == p256_size) {
            point = "\x04" + *x + *y;  // the uncompressed point
            OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
            OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
            type = "EC";
        }
    }
    EVP_PKEY* raw = nullptr;
    if (type) {
        OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
        EVP_PKEY_CTX* from = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
        if (EVP_PKEY_fromdata_init(from) == 1) EVP_PKEY_fromdata(from, &raw, EVP_PKEY_PUBLIC_KEY, params);
        EVP_PKEY_CTX_free(from);
        OSSL_PARAM_free(params);
    }
    OSSL_PARAM_BLD_free(build);
    for (auto* n : numbers) BN_free(n);
    return Pkey(raw);
}

}  // namespace

storage::SigningKey generate_signing_key(std::string const& algorithm) {
    Pkey key;
    if (algorithm == "ES256")
        key.reset(EVP_EC_gen("P-256"));
    else if (algorithm == "RS256")
        key.reset(EVP_RSA_gen(2048));
    else
        throw std::invalid_argument("signing keys are ES256 or RS256, not " + algorithm);
    if (!key) throw std::runtime_error("cannot generate an " + algorithm + " key");
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    auto const length = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    auto const kid = kid_of(key.get(), algorithm);
    return {kid, algorithm, pem, public_jwk(key.get(), algorithm, kid)};
}

std::optional<std::string> public_jwk_of_pem(std::string_view pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    Pkey key(PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
    if (!key) return std::nullopt;
    std::string algorithm;
    if (EVP_PKEY_is_a(key.get(), "RSA") && EVP_PKEY_get_bits(key.get()) >= 2048)
        algorithm = "RS256";
    else if (EVP_PKEY_is_a(key.get(), "EC") && EVP_PKEY_get_bits(key.get()) == 256)
        algorithm = "ES256";
    else
        return std::nullopt;
    return public_jwk(key.get(), algorithm, kid_of(key.get(), algorithm));
}

struct JwsSigner::Key {
    Pkey pkey;
};

JwsSigner::JwsSigner(storage::SigningKey const& key)
    : kid_(key.kid), algorithm_(key.algorithm), key_(std::make_unique<Key>()) {
    BIO* bio = BIO_new_mem_buf(key.private_key_pem.data(), static_cast<int>(key.private_key_pem.size()));
    key_->pkey.reset(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
    if (!key_->pkey) throw std::runtime_error("the event signing key " + kid_ + " cannot be read");
}

JwsSigner::~JwsSigner() = default;

std::string JwsSigner::sign(std::string_view payload, std::string_view type) const {
    auto const header = json::serialize(json::object{{"alg", algorithm_}, {"kid", kid_}, {"typ", type}});
    auto input = base64url(header) + "." + base64url(payload);
    auto signature = digest_sign(key_->pkey.get(), input);
    if (algorithm_ == "ES256") signature = der_to_raw(signature);
    return input + "." + base64url(signature);
}

std::optional<std::string> verify_jws(std::string_view jws, std::string_view jwk) {
    auto const first = jws.find('.');
    auto const second = first == std::string_view::npos ? first : jws.find('.', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    auto const header = from_base64url(jws.substr(0, first));
    auto const payload = from_base64url(jws.substr(first + 1, second - first - 1));
    auto signature = from_base64url(jws.substr(second + 1));
    if (!header || !payload || !signature) return std::nullopt;
    boost::system::error_code ec;
    auto const h = json::parse(*header, ec);
    if (ec || !h.is_object()) return std::nullopt;
    auto const k = json::parse(jwk, ec);
    if (ec || !k.is_object()) return std::nullopt;
    auto const* alg = h.as_object().if_contains("alg");
    auto const* kty = k.as_object().if_contains("kty");
    if (!alg || !kty) return std::nullopt;
    // The header's algorithm must be the key's: never an RSA key checked as something else, nor "none".
    bool const es256 = *alg == "ES256" && *kty == "EC";
    bool const rs256 = *alg == "RS256" && *kty == "RSA";
    if (!es256 && !rs256) return std::nullopt;
    if (auto const* key_alg = k.as_object().if_contains("alg"); key_alg && *key_alg != *alg) return std::nullopt;
    if (es256) {
        auto der = raw_to_der(*signature);
        if (!der) return std::nullopt;
        signature = std::move(der);
    }
    auto const key = key_of(k.as_object());
    if (!key) return std::nullopt;
    auto const input = jws.substr(0, second);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool const ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
                    EVP_DigestVerify(ctx, bytes_of(*signature), signature->size(), bytes_of(input), input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) return std::nullopt;
    return *payload;
}

}  // namespace server
