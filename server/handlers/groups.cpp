// /Groups: create, read, replace, patch, delete, list. Members live in the membership table: adding one member to
// a group of any size is one insert, and members are never read unless the response shows them.
#include "server/handlers/handlers.hpp"

#include <algorithm>

#include <pqxx/transaction>

#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/group_members.hpp"
#include "scim/resource.hpp"
#include "server/handlers/request_body.hpp"
#include "server/handlers/views.hpp"
#include "server/handlers/writes.hpp"
#include "server/responses.hpp"
#include "storage/group_repository.hpp"

namespace server::handlers {
namespace {

scim::ResourceType const& group_type(RequestContext const& ctx) { return *ctx.app.registry.resource_type("Group"); }

scim::Error no_such_group(std::string_view id) {
    return scim::Error::not_found("no group with id \"" + std::string(id) + "\" in this tenant");
}

storage::StoredResource lock_for_change(storage::GroupRepository& groups, std::string_view id, std::string_view if_match) {
    auto current = groups.find(id, true);
    if (!current) throw no_such_group(id);
    check_if_match(if_match, current->version);
    return std::move(*current);
}

std::vector<storage::MemberRef> refs(std::vector<scim::MemberValue> const& members) {
    std::vector<storage::MemberRef> out;
    out.reserve(members.size());
    for (auto const& m : members) out.push_back({m.value, m.type});
    return out;
}

// A group's own attributes and its members, taken apart: the members go to the membership table.
std::pair<boost::json::object, std::vector<scim::MemberValue>> split_members(boost::json::object attributes) {
    std::vector<scim::MemberValue> members;
    if (auto* m = attributes.if_contains("members")) {
        members = scim::member_values(*m);
        attributes.erase("members");
    }
    return {std::move(attributes), std::move(members)};
}

// Makes the members exactly `members`; returns whether any membership changed.
bool replace_members(storage::GroupRepository& groups, std::string_view id, std::vector<scim::MemberValue> const& members) {
    auto const resolved = groups.resolve_members(id, refs(members));
    std::vector<std::string> keep;
    for (auto const& r : resolved) keep.push_back(r.id);
    auto const removed = groups.remove_members_except(id, keep);
    return groups.add_members(id, resolved) + removed > 0;
}

// After a write the change stands even when the group is too large to show with its members.
Rendered rendered(pqxx::work& tx, RequestContext const& ctx, storage::StoredResource stored,
                  scim::Selection const& selection, LargeGroups large = LargeGroups::omit_members) {
    return render_one(tx, ctx, group_type(ctx), std::move(stored), selection, large);
}

}  // namespace

storage::StoredResource create_group_in(pqxx::work& tx, RequestContext const& ctx, scim::ResourceInput const& input) {
    auto const [attributes, members] = split_members(input.attributes);
    auto const change = ctx.change();
    storage::GroupRepository groups(tx, change);
    auto created = groups.create(attributes);
    groups.add_members(created.id, groups.resolve_members(created.id, refs(members)));
    return created;
}

storage::StoredResource replace_group_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                         scim::ResourceInput const& input, std::string_view if_match) {
    auto const [attributes, members] = split_members(input.attributes);
    auto const change = ctx.change();
    storage::GroupRepository groups(tx, change);
    auto current = lock_for_change(groups, id, if_match);
    auto merged = scim::merge_for_replace(current.attributes, attributes, group_type(ctx), ctx.app.registry);
    bool const members_changed = replace_members(groups, id, members);  // PUT replaces the members
    if (merged != current.attributes) return groups.update(id, merged);
    if (members_changed) return groups.touch(id);
    return current;
}

storage::StoredResource patch_group_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id,
                                       scim::PatchRequest const& request, std::string_view if_match) {
    auto const& type = group_type(ctx);
    auto const split = scim::split_group_patch(request, type, ctx.app.registry);
    auto const change = ctx.change();
    storage::GroupRepository groups(tx, change);
    auto current = lock_for_change(groups, id, if_match);
    bool members_changed = false;
    for (auto const& m : split.members) {
        using Kind = scim::MemberChange::Kind;
        switch (m.kind) {
            case Kind::add:
                members_changed |= groups.add_members(id, groups.resolve_members(id, refs(m.members))) > 0;
                break;
            case Kind::remove: {
                std::vector<std::string> ids;
                for (auto const& v : m.members) ids.push_back(v.value);
                members_changed |= groups.remove_members(id, ids) > 0;
                break;
            }
            case Kind::remove_all: members_changed |= groups.remove_all_members(id) > 0; break;
            case Kind::replace: members_changed |= replace_members(groups, id, m.members); break;
        }
    }
    if (!split.attributes.operations.empty()) {
        auto outcome = scim::apply_patch(current.attributes, split.attributes, type, ctx.app.registry, read_options(ctx));
        if (outcome.changed) return groups.update(id, outcome.attributes);
    }
    if (members_changed) return groups.touch(id);
    return current;  // nothing changed: same version
}

void delete_group_in(pqxx::work& tx, RequestContext const& ctx, std::string_view id, std::string_view if_match) {
    auto const change = ctx.change();
    storage::GroupRepository groups(tx, change);
    if (!if_match.empty()) lock_for_change(groups, id, if_match);
    if (!groups.remove(id)) throw no_such_group(id);
}

Reply create_group(RequestContext& ctx) {
    auto const& type = group_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, create_group_in(tx, ctx, input), selection);
    });
    auto res = text_resource_response(201, ctx, type, stored, text);
    add_ignored_attributes(res, input.ignored);
    co_return res;
}

Reply list_groups(RequestContext& ctx, ListRequest const& request) {
    return list_resources(ctx, group_type(ctx), storage::groups_table(), request);
}

Reply get_group(RequestContext& ctx, std::string_view id) {
    auto const& type = group_type(ctx);
    auto const selection = request_selection(ctx, type);
    auto const change = ctx.change();
    auto const found = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return render_for_get(tx, ctx, type, storage::GroupRepository(tx, change).find(id), selection);
    });
    if (!found) throw no_such_group(id);
    co_return get_response(ctx, type, *found);
}

Reply replace_group(RequestContext& ctx, std::string_view id) {
    auto const& type = group_type(ctx);
    auto const input = co_await resource_from_request(ctx, type);
    auto const selection = request_selection(ctx, type);
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        return rendered(tx, ctx, replace_group_in(tx, ctx, id, input, ctx.request.if_match), selection);
    });
    co_return modified_response(ctx, type, stored, text, input.ignored);
}

Reply patch_group(RequestContext& ctx, std::string_view id) {
    auto const& type = group_type(ctx);
    scim::IgnoredAttributes ignored;
    auto const request = co_await patch_from_request(ctx, type, ignored);
    auto const selection = request_selection(ctx, type);
    // A membership change answers 204 (RFC 7644 §3.5.2; what Okta and Entra expect), so adding one member to a
    // 100,000-member group never writes 100,000 members back. Asking for attributes gets the 200 with a body.
    bool const body = ctx.has_query_param("attributes") || ctx.has_query_param("excludedAttributes");
    auto const [stored, text] = co_await ctx.app.db.run([&](pqxx::work& tx) {
        auto changed = patch_group_in(tx, ctx, id, request, ctx.request.if_match);
        return body ? rendered(tx, ctx, std::move(changed), selection) : Rendered{std::move(changed), std::string()};
    });
    if (!body) {
        auto res = no_content();
        res.set_header("ETag", scim::weak_etag(stored.version));
        add_ignored_attributes(res, ignored);
        co_return res;
    }
    co_return modified_response(ctx, type, stored, text, ignored);
}

Reply delete_group(RequestContext& ctx, std::string_view id) {
    co_await ctx.app.db.run([&](pqxx::work& tx) { delete_group_in(tx, ctx, id, ctx.request.if_match); });
    co_return no_content();
}

}  // namespace server::handlers
