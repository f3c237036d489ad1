// Reading a request's resource or PATCH body under the tenant's unknown-attribute policy.
#pragma once

#include <boost/json/object.hpp>

#include "scim/patch.hpp"
#include "scim/resource.hpp"
#include "server/request_context.hpp"

namespace server::handlers {

/// `body` (the request's, or a bulk operation's data) as a resource of `type`; names the type does not define
/// are dropped into `input.ignored` or refused, as the token's tenant chose.
/// @throws scim::Error as scim::read_resource does.
scim::ResourceInput read_resource_body(RequestContext const& ctx, boost::json::object const& body,
                                       scim::ResourceType const& type);

/// `body` as a PATCH request on resources of `type`, with what names unknown attributes taken out into `ignored`.
/// @throws scim::Error as scim::parse_patch_request does.
scim::PatchRequest read_patch_body(RequestContext const& ctx, boost::json::object const& body,
                                   scim::ResourceType const& type, scim::IgnoredAttributes& ignored);

}  // namespace server::handlers
