// The OAuth endpoints: the token endpoint, the access token keys, and the authorization server metadata.
#include "server/oauth.hpp"
#include "scim/error.hpp"
#include "scim/text.hpp"
#include "server/app.hpp"
#include "server/handlers/handlers.hpp"

namespace server::handlers {

namespace {

HttpResponse json_document(int status, std::string body, std::string content_type = "application/json") {
    HttpResponse res;
    res.status = status;
    res.body = std::move(body);
    res.set_header("Content-Type", std::move(content_type));
    return res;
}

}  // namespace

Reply oauth(App& app, Route const& route, HttpRequest const& request) {
    if (!app.oauth) throw scim::Error::not_found("OAuth is not enabled on this server");
    if (route.endpoint == Endpoint::oauth_metadata) co_return json_document(200, app.oauth->metadata());
    if (route.endpoint == Endpoint::oauth_jwks)
        co_return json_document(200, co_await app.oauth->jwks(), "application/jwk-set+json");
    // RFC 6749 §3.2: the token endpoint takes a form.
    auto type = std::string_view(request.content_type).substr(0, request.content_type.find(';'));
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    if (!scim::iequals(type, "application/x-www-form-urlencoded")) {
        auto res = json_document(
            400,
            R"({"error":"invalid_request","error_description":"send the parameters as application/x-www-form-urlencoded"})");
        res.set_header("Cache-Control", "no-store");
        co_return res;
    }
    auto const reply = co_await app.oauth->token(request.authorization, request.body);
    auto res = json_document(reply.status, reply.body);
    res.set_header("Cache-Control", "no-store");  // RFC 6749 §5.1
    res.set_header("Pragma", "no-cache");
    if (!reply.www_authenticate.empty()) res.set_header("WWW-Authenticate", reply.www_authenticate);
    co_return res;
}

}  // namespace server::handlers
