// RS256 JWS with OpenSSL 3.
#include "server/jws.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

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

std::string big_number(EVP_PKEY* key, char const* name) {
    BIGNUM* n = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &n) != 1) throw std::runtime_error("cannot read an RSA key parameter");
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(n)), '\0');
    BN_bn2bin(n, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(n);
    return bytes;
}

std::string public_jwk(EVP_PKEY* key, std::string const& kid) {
    return json::serialize(json::object{{"kty", "RSA"},
                                        {"use", "sig"},
                                        {"alg", "RS256"},
                                        {"kid", kid},
                                        {"n", base64url(big_number(key, OSSL_PKEY_PARAM_RSA_N))},
                                        {"e", base64url(big_number(key, OSSL_PKEY_PARAM_RSA_E))}});
}

std::string digest_sign(EVP_PKEY* key, std::string_view input) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t size = 0;
    std::string signature;
    bool ok =
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
        EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<unsigned char const*>(input.data()), input.size()) == 1;
    if (ok) {
        signature.resize(size);
        ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size,
                            reinterpret_cast<unsigned char const*>(input.data()), input.size()) == 1;
        signature.resize(size);
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) throw std::runtime_error("signing a SET failed");
    return signature;
}

}  // namespace

storage::SigningKey generate_signing_key() {
    Pkey key(EVP_RSA_gen(2048));
    if (!key) throw std::runtime_error("cannot generate an RSA key");
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    auto const length = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    // The kid names the key by its modulus: the same key always has the same kid.
    auto const kid = sha256_hex(big_number(key.get(), OSSL_PKEY_PARAM_RSA_N)).substr(0, 16);
    return {kid, "RS256", pem, public_jwk(key.get(), kid)};
}

struct JwsSigner::Key {
    Pkey pkey;
};

JwsSigner::JwsSigner(storage::SigningKey const& key) : kid_(key.kid), key_(std::make_unique<Key>()) {
    BIO* bio = BIO_new_mem_buf(key.private_key_pem.data(), static_cast<int>(key.private_key_pem.size()));
    key_->pkey.reset(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
    if (!key_->pkey) throw std::runtime_error("the event signing key " + kid_ + " cannot be read");
}

JwsSigner::~JwsSigner() = default;

std::string JwsSigner::sign(std::string_view payload) const {
    auto const header = json::serialize(json::object{{"alg", "RS256"}, {"kid", kid_}, {"typ", "secevent+jwt"}});
    auto input = base64url(header) + "." + base64url(payload);
    auto const signature = digest_sign(key_->pkey.get(), input);
    return input + "." + base64url(signature);
}

std::optional<std::string> verify_jws(std::string_view jws, std::string_view jwk) {
    auto const first = jws.find('.');
    auto const second = first == std::string_view::npos ? first : jws.find('.', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    auto const header = from_base64url(jws.substr(0, first));
    auto const payload = from_base64url(jws.substr(first + 1, second - first - 1));
    auto const signature = from_base64url(jws.substr(second + 1));
    if (!header || !payload || !signature) return std::nullopt;
    boost::system::error_code ec;
    auto const h = json::parse(*header, ec);
    auto const k = json::parse(jwk, ec);
    if (ec || !h.is_object() || !k.is_object()) return std::nullopt;
    auto const* alg = h.as_object().if_contains("alg");
    if (!alg || *alg != "RS256") return std::nullopt;
    auto const* n = k.as_object().if_contains("n");
    auto const* e = k.as_object().if_contains("e");
    if (!n || !e || !n->is_string() || !e->is_string()) return std::nullopt;
    auto const n_bytes = from_base64url(n->as_string());
    auto const e_bytes = from_base64url(e->as_string());
    if (!n_bytes || !e_bytes) return std::nullopt;

    BIGNUM* bn_n =
        BN_bin2bn(reinterpret_cast<unsigned char const*>(n_bytes->data()), static_cast<int>(n_bytes->size()), nullptr);
    BIGNUM* bn_e =
        BN_bin2bn(reinterpret_cast<unsigned char const*>(e_bytes->data()), static_cast<int>(e_bytes->size()), nullptr);
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, bn_n);
    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, bn_e);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
    EVP_PKEY_CTX* from = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata_init(from) == 1) EVP_PKEY_fromdata(from, &raw, EVP_PKEY_PUBLIC_KEY, params);
    Pkey key(raw);
    EVP_PKEY_CTX_free(from);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(build);
    BN_free(bn_n);
    BN_free(bn_e);
    if (!key) return std::nullopt;

    auto const input = jws.substr(0, second);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool const ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
                    EVP_DigestVerify(ctx, reinterpret_cast<unsigned char const*>(signature->data()), signature->size(),
                                     reinterpret_cast<unsigned char const*>(input.data()), input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) return std::nullopt;
    return *payload;
}

}  // namespace server
