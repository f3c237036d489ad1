// Resources as clients see them, rendered inside the request's transaction: what is stored, plus what is derived
// (a user's groups, a group's members).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <pqxx/transaction>

#include "scim/projection.hpp"
#include "scim/schema.hpp"
#include "server/request_context.hpp"
#include "storage/stored_resource.hpp"

namespace server::handlers {

/// The person a user-bound token acts for, read once per request (their site decides whom they see).
boost::asio::awaitable<DirectoryViewer> directory_viewer(RequestContext& ctx);

/// Whether the request may see the user whose stored attributes are `attributes`: always, unless the token is bound to
/// a user, who sees themselves and whom the directory shows them.
bool shown_to_viewer(RequestContext const& ctx, std::string_view user_id, boost::json::object const& attributes);

/// The manager.value of a user as rendered (render_one) when it names nobody of the tenant (kept unlinked), else
/// empty.
std::string unlinked_manager(storage::StoredResource const& user);

/// What to do with a group whose members are more than the server returns inline.
enum class LargeGroups {
    refuse,        // reads: 400 tooMany, saying how to read it instead
    omit_members,  // write responses: the change is made; the response leaves the members out
};

/// Whether `selection` of a resource of `type` returns a user's groups: then read them with the user.
bool wants_user_groups(RequestContext const& ctx, scim::ResourceType const& type, scim::Selection const& selection);

/// The JSON text of each resource, projected by `selection`. Users get their `groups` (direct and indirect) when
/// selected; groups get their `members`, read in batches straight into the text.
/// @throws scim::Error 400 tooMany for a large group when `large` is refuse.
std::vector<std::string> render_resources(pqxx::transaction_base& tx, RequestContext const& ctx,
                                          scim::ResourceType const& type,
                                          std::vector<storage::StoredResource>& resources,
                                          scim::Selection const& selection, LargeGroups large = LargeGroups::refuse);

/// A stored resource and its text, rendered in the same transaction.
using Rendered = std::pair<storage::StoredResource, std::string>;

/// render_resources for one resource.
Rendered render_one(pqxx::transaction_base& tx, RequestContext const& ctx, scim::ResourceType const& type,
                    storage::StoredResource stored, scim::Selection const& selection,
                    LargeGroups large = LargeGroups::refuse);

/// What a GET of one resource answers, decided inside its transaction: nullopt when there is no such resource, an
/// empty text when If-None-Match names its current version, else its rendered text.
std::optional<Rendered> render_for_get(pqxx::transaction_base& tx, RequestContext const& ctx,
                                       scim::ResourceType const& type, std::optional<storage::StoredResource> stored,
                                       scim::Selection const& selection, LargeGroups large = LargeGroups::refuse);

/// The response to a GET that found `found` (from render_for_get): 304 Not Modified or 200 with the resource.
HttpResponse get_response(RequestContext const& ctx, scim::ResourceType const& type, Rendered const& found);

/// A single resource response from its text: status, ETag, and Location when created.
HttpResponse text_resource_response(int status, RequestContext const& ctx, scim::ResourceType const& type,
                                    storage::StoredResource const& stored, std::string body);

/// What PUT and PATCH answer: the resource, or 204 when the query asks for no attributes ("attributes="); either
/// names what the request had ignored.
HttpResponse modified_response(RequestContext const& ctx, scim::ResourceType const& type,
                               storage::StoredResource const& stored, std::string body,
                               scim::IgnoredAttributes const& ignored);

}  // namespace server::handlers
