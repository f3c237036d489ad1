// Reading a request's resource or PATCH body under the tenant's unknown-attribute policy and the server's value
// limits. A large body is parsed and checked on the CPU pool, so that it never holds up an I/O thread.
#pragma once

#include <boost/asio/awaitable.hpp>
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

/// The request's body parsed as JSON and read as a resource of `type` (see read_resource_body).
boost::asio::awaitable<scim::ResourceInput> resource_from_request(RequestContext& ctx, scim::ResourceType const& type);

/// The request's body parsed as JSON and read as a PATCH request (see read_patch_body).
boost::asio::awaitable<scim::PatchRequest> patch_from_request(RequestContext& ctx, scim::ResourceType const& type,
                                                              scim::IgnoredAttributes& ignored);

/// Runs `f()` where a request body of `size` bytes should be worked on: inline when it is small, on the CPU pool
/// when it is large enough to keep an I/O thread from other connections.
template <class F>
auto for_body_of_size(RequestContext& ctx, std::size_t size, F& f) -> boost::asio::awaitable<std::invoke_result_t<F&>>;

}  // namespace server::handlers

#include "server/db_pool.hpp"

namespace server::handlers {

/// Bodies up to this size are read on the I/O thread: moving them would cost more than reading them.
inline constexpr std::size_t inline_body_bytes = 16 * 1024;

template <class F>
auto for_body_of_size(RequestContext& ctx, std::size_t size, F& f) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
    if (size <= inline_body_bytes) co_return f();
    co_return co_await run_on(ctx.app.cpu, f);
}

}  // namespace server::handlers
