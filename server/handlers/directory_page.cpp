// /directory/: the company directory page. Static files only, served to anyone: the page holds no data, and reads
// the SCIM API with the token its user pastes. A strict Content-Security-Policy allows nothing but this server.
#include "server/handlers/handlers.hpp"

#include "scim/error.hpp"
#include "server/web_files.hpp"

namespace server::handlers {
namespace {

std::string_view media_type_of(std::string_view name) {
    if (name.ends_with(".html")) return "text/html; charset=utf-8";
    if (name.ends_with(".css")) return "text/css; charset=utf-8";
    if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
    if (name.ends_with(".svg")) return "image/svg+xml";
    return "application/octet-stream";
}

}  // namespace

HttpResponse directory_page(Route const& route, std::string_view method) {
    if (method != "GET" && method != "HEAD")
        throw scim::Error::method_not_allowed(std::string(method) + " is not allowed on /directory/; use GET");
    if (route.rest.size() > 1) throw scim::Error::not_found("no such file under /directory/");
    std::string_view const name =
        route.rest.empty() || route.rest[0].empty() ? std::string_view("index.html") : std::string_view(route.rest[0]);
    for (auto const& file : web_files::files()) {
        if (file.name != name) continue;
        HttpResponse res;
        res.body = std::string(file.text);
        res.set_header("Content-Type", std::string(media_type_of(name)));
        res.set_header("Content-Security-Policy",
                       "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        res.set_header("Referrer-Policy", "no-referrer");
        res.set_header("X-Frame-Options", "DENY");
        return res;
    }
    throw scim::Error::not_found("no file \"" + std::string(name) + "\" under /directory/");
}

}  // namespace server::handlers
