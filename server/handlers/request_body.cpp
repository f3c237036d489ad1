// Request bodies under the tenant's unknown-attribute policy.
#include "server/handlers/request_body.hpp"

namespace server::handlers {

scim::ResourceInput read_resource_body(RequestContext const& ctx, boost::json::object const& body,
                                       scim::ResourceType const& type) {
    return scim::read_resource(body, type, ctx.app.registry, ctx.grant.unknown_attributes);
}

scim::PatchRequest read_patch_body(RequestContext const& ctx, boost::json::object const& body,
                                   scim::ResourceType const& type, scim::IgnoredAttributes& ignored) {
    auto request = scim::parse_patch_request(body);
    ignored.add_all(scim::drop_unknown_attributes(request, type, ctx.app.registry, ctx.grant.unknown_attributes));
    return request;
}

}  // namespace server::handlers
