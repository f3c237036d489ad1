// Fetching and keeping JWKS documents.
#include "server/jwks_cache.hpp"

#include <boost/asio.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include "server/http_client.hpp"
#include "server/log.hpp"

namespace server {

namespace net = boost::asio;
namespace json = boost::json;

JwksCache::JwksCache(std::string const& ca_file, std::chrono::seconds refresh_interval, EgressPolicy egress)
    : tls_(net::ssl::context::tls_client), refresh_interval_(refresh_interval), egress_(std::move(egress)) {
    tls_.set_default_verify_paths();
    if (!ca_file.empty()) tls_.load_verify_file(ca_file);
    tls_.set_verify_mode(net::ssl::verify_peer);
}

net::awaitable<std::pair<std::optional<std::string>, std::string>> JwksCache::key(std::string const& url,
                                                                                  std::string const& kid) {
    auto const lookup = [&]() -> std::optional<std::string> {
        std::lock_guard lock(mutex_);
        auto const it = documents_.find(url);
        if (it == documents_.end()) return std::nullopt;
        auto const& keys = it->second.keys;
        if (kid.empty()) {
            if (keys.size() == 1) return keys.begin()->second;
            return std::nullopt;
        }
        auto const k = keys.find(kid);
        if (k == keys.end()) return std::nullopt;
        return k->second;
    };
    if (auto found = lookup()) co_return std::pair{found, std::string()};
    bool due = false;
    {
        std::lock_guard lock(mutex_);
        auto& document = documents_[url];
        auto const now = std::chrono::steady_clock::now();
        if (document.fetched == std::chrono::steady_clock::time_point{} ||
            now - document.fetched >= refresh_interval_) {
            document.fetched = now;  // before fetching: requests meanwhile do not fetch again
            due = true;
        }
    }
    if (due) co_await fetch(url);
    if (auto found = lookup()) co_return std::pair{found, std::string()};
    // The caller may be anyone who knows a client id or an issuer's name: what went wrong with the fetch (the URL, what
    // its server answered) is for the operator's log, not for them.
    std::lock_guard lock(mutex_);
    if (!documents_[url].error.empty()) co_return std::pair{std::optional<std::string>(), std::string(unavailable)};
    co_return std::pair{std::optional<std::string>(),
                        "no key " + (kid.empty() ? std::string("without a kid") : "\"" + kid.substr(0, 64) + "\"") +
                            " is published by its issuer"};
}

net::awaitable<void> JwksCache::fetch(std::string const& url) {
    std::string error;
    std::map<std::string, std::string> keys;
    auto const endpoint = parse_endpoint(url);
    boost::system::error_code bad_address;
    bool const loopback =
        endpoint && (endpoint->host == "localhost" ||
                     (net::ip::make_address(endpoint->host, bad_address).is_loopback() && !bad_address));
    if (!endpoint || (!endpoint->https && !loopback)) {
        error = "the JWKS URL " + url + " is not an https URL";
    } else {
        HttpClient client(co_await net::this_coro::executor, tls_, *endpoint, std::chrono::seconds(5), egress_,
                          256 * 1024);
        auto const result = co_await client.request(boost::beast::http::verb::get);
        if (result.status != 200) {
            error = "cannot fetch the JWKS at " + url + ": " + (result.error.empty() ? "no answer" : result.error);
        } else {
            boost::system::error_code ec;
            auto const document = json::parse(result.body, ec);
            auto const* list = !ec && document.is_object() ? document.as_object().if_contains("keys") : nullptr;
            if (!list || !list->is_array()) {
                error = "the document at " + url + " is not a JWKS (an object with a keys array)";
            } else {
                for (auto const& k : list->as_array()) {
                    if (!k.is_object()) continue;
                    auto const* use = k.as_object().if_contains("use");
                    if (use && *use != "sig") continue;  // encryption keys never verify a signature
                    auto const* kid = k.as_object().if_contains("kid");
                    keys[kid && kid->is_string() ? std::string(kid->as_string()) : std::string()] = json::serialize(k);
                }
            }
        }
    }
    if (!error.empty()) log_line("JWKS: " + error, LogLevel::warning);  // at most once a refresh interval per URL
    std::lock_guard lock(mutex_);
    auto& document = documents_[url];
    if (error.empty()) document.keys = std::move(keys);  // a failed refresh keeps the keys known so far
    document.error = error;
}

}  // namespace server
