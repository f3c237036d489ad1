// Request bodies under the tenant's unknown-attribute policy and the server's limits.
#include "server/handlers/request_body.hpp"

namespace server::handlers {

scim::ResourceInput read_resource_body(RequestContext const& ctx, boost::json::object const& body,
                                       scim::ResourceType const& type) {
    return scim::read_resource(body, type, ctx.app.registry, ctx.caller().read);
}

scim::PatchRequest read_patch_body(RequestContext const& ctx, boost::json::object const& body,
                                   scim::ResourceType const& type, scim::IgnoredAttributes& ignored) {
    auto request = scim::parse_patch_request(body);
    ignored.add_all(scim::drop_unknown_attributes(request, type, ctx.app.registry, ctx.caller().read.unknown));
    return request;
}

boost::asio::awaitable<scim::ResourceInput> resource_from_request(RequestContext& ctx, scim::ResourceType const& type) {
    auto read = [&] { return read_resource_body(ctx, scim::parse_json_object(ctx.request.body), type); };
    co_return co_await for_body_of_size(ctx, ctx.request.body.size(), read);
}

boost::asio::awaitable<scim::PatchRequest> patch_from_request(RequestContext& ctx, scim::ResourceType const& type,
                                                              scim::IgnoredAttributes& ignored) {
    auto read = [&] { return read_patch_body(ctx, scim::parse_json_object(ctx.request.body), type, ignored); };
    co_return co_await for_body_of_size(ctx, ctx.request.body.size(), read);
}

}  // namespace server::handlers
