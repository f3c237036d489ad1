// Route templates: what metrics and logs call a request, never its raw path.
#include <doctest/doctest.h>

#include "server/route.hpp"

namespace {

std::string template_of(std::string_view target) {
    return server::resolve_route(server::parse_target(target)).template_name();
}

}  // namespace

TEST_CASE("a route template names the endpoint and hides ids and tenants") {
    CHECK(template_of("/scim/v2/Users") == "/Users");
    CHECK(template_of("/scim/v2/Users/2819c223-7f76-453a-919d-413861904646") == "/Users/{id}");
    CHECK(template_of("/scim/v2/users/abc?attributes=userName") == "/Users/{id}");
    CHECK(template_of("/scim/v2/Users/.search") == "/Users/.search");
    CHECK(template_of("/scim/v2/Users/.import") == "/Users/.import");
    CHECK(template_of("/customers/acme/scim/v2/Groups/42") == "/Groups/{id}");
    CHECK(template_of("/scim/v2/Bulk") == "/Bulk");
    CHECK(template_of("/scim/v2/.search") == "/.search");
    CHECK(template_of("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User") == "/Schemas/{id}");
    CHECK(template_of("/scim/v2/ServiceProviderConfig") == "/ServiceProviderConfig");
    CHECK(template_of("/scim/v2/") == "/");
}

TEST_CASE("paths no endpoint serves share one template however many there are") {
    CHECK(template_of("/scim/v2/Whatever") == "unmatched");
    CHECK(template_of("/scim/v2/Users/a/b") == "unmatched");
    CHECK(template_of("/scim/v2/Bulk/7") == "unmatched");
    CHECK(template_of("/scim/v2/Me/x") == "unmatched");
}
