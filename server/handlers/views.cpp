// Rendering of users with their groups and groups with their members.
#include "server/handlers/views.hpp"

#include <map>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "scim/directory_user.hpp"
#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/json_fields.hpp"
#include "scim/urns.hpp"
#include "server/error_response.hpp"
#include "server/reads.hpp"
#include "server/responses.hpp"
#include "storage/group_repository.hpp"
#include "storage/user_repository.hpp"

namespace server::handlers {
namespace {

namespace json = boost::json;

bool selected(scim::Selection const& selection, std::string_view path, scim::Attribute const* attr) {
    return attr && scim::pick(selection, path, attr->returned) != scim::Pick::none;
}

bool shown_to(DirectoryViewer const& viewer, std::string_view user_id, std::string_view directory_json) {
    if (user_id == viewer.user_id) return true;
    json::object attributes;
    if (!directory_json.empty()) {
        boost::system::error_code ec;
        auto parsed = json::parse(directory_json, ec);
        if (!ec) attributes[scim::urn::directory_user] = std::move(parsed);
    }
    return scim::shown_in_directory(scim::read_directory_fields(attributes), viewer.site);
}

// Users' managers as clients read them: a reference that names a user of the tenant (by id, externalId or userName)
// is linked, with that user's $ref and displayName; one that names nobody is shown as given, unlinked (no $ref).
// What a client sent as $ref or displayName is never shown: both are the server's to say. A user-bound token's
// person does not see a manager the directory hides from them, neither id nor name.
void present_managers(pqxx::transaction_base& tx, RequestContext const& ctx,
                      std::vector<storage::StoredResource>& users) {
    auto const manager_of = [](storage::StoredResource& user) -> json::object* {
        auto* ext = user.attributes.if_contains(scim::urn::enterprise_user);
        if (!ext || !ext->is_object()) return nullptr;
        auto* manager = ext->get_object().if_contains("manager");
        return manager && manager->is_object() ? &manager->get_object() : nullptr;
    };
    std::vector<std::string> keys;
    for (auto& user : users)
        if (auto* manager = manager_of(user))
            if (auto const* key = manager->if_contains("value"); key && key->is_string())
                keys.emplace_back(key->get_string());
    if (keys.empty()) return;
    auto const change = ctx.change();
    storage::UserRepository repository(tx, change);
    auto const resolved = repository.resolve_references(keys);
    std::map<std::string, std::string> directories;  // of the managers found, for a user-bound token's person
    if (ctx.viewer && !resolved.empty()) {
        std::vector<std::string> ids;
        for (auto const& [key, reference] : resolved) ids.push_back(reference.id);
        directories = repository.directory_attributes(ids);
    }
    for (auto& user : users) {
        auto* manager = manager_of(user);
        if (!manager) continue;
        manager->erase("$ref");
        manager->erase("displayName");
        auto const* key = manager->if_contains("value");
        auto const found = key && key->is_string() ? resolved.find(std::string(key->get_string())) : resolved.end();
        if (found == resolved.end()) continue;  // unlinked: as given
        auto const& reference = found->second;
        if (ctx.viewer) {
            auto const dir = directories.find(reference.id);
            if (!shown_to(*ctx.viewer, reference.id, dir == directories.end() ? "" : dir->second)) {
                auto& ext = user.attributes[scim::urn::enterprise_user].get_object();
                ext.erase("manager");
                if (ext.empty()) user.attributes.erase(scim::urn::enterprise_user);
                continue;
            }
        }
        (*manager)["$ref"] = ctx.base_url + "/Users/" + reference.id;
        if (!reference.display.empty()) (*manager)["displayName"] = reference.display;
    }
}

void add_user_groups(pqxx::transaction_base& tx, RequestContext const& ctx,
                     std::vector<storage::StoredResource>& users) {
    auto const change = ctx.change();
    storage::GroupRepository(tx, change).add_user_groups(users);
    for (auto& user : users) {
        auto const groups = json::parse(*user.user_groups);
        json::array list;
        for (auto const& g : groups.as_array()) {
            auto const& row = g.as_array();
            auto const id = row.at(0).as_string();
            list.push_back(json::object{{"value", id},
                                        {"$ref", ctx.base_url + "/Groups/" + std::string(id)},
                                        {"display", row.at(1).is_string() ? row.at(1) : json::value("")},
                                        {"type", row.at(2).as_bool() ? "direct" : "indirect"}});
        }
        if (!list.empty()) user.attributes["groups"] = std::move(list);
    }
}

// The references between phones and users, absolute in the URL the client used: a device's assignedUser.$ref, a
// user's devices[].$ref.
void add_references(RequestContext const& ctx, scim::ResourceType const& type, storage::StoredResource& resource) {
    bool const is_device = type.id == "Device";
    if (!is_device && type.id != "User") return;
    auto* ext = resource.attributes.if_contains(is_device ? scim::urn::directory_device : scim::urn::directory_user);
    if (!ext || !ext->is_object()) return;
    auto const refer = [&](json::value& entry, char const* endpoint) {
        if (!entry.is_object()) return;
        auto& o = entry.get_object();
        if (auto const* id = o.if_contains("value"); id && id->is_string())
            o["$ref"] = ctx.base_url + endpoint + std::string(id->get_string());
    };
    if (is_device) {
        if (auto* user = ext->get_object().if_contains("assignedUser")) refer(*user, "/Users/");
    } else if (auto* devices = ext->get_object().if_contains("devices"); devices && devices->is_array()) {
        for (auto& entry : devices->get_array()) refer(entry, "/Devices/");
    }
}

// The group's JSON with its members spliced in before meta, written member by member from the database rows.
std::string group_text(pqxx::transaction_base& tx, RequestContext const& ctx, scim::ResourceType const& type,
                       storage::StoredResource const& group, scim::Selection const& selection,
                       scim::Attribute const& members, LargeGroups large) {
    auto object = render(ctx, type, group, selection);
    json::value meta;
    if (auto* m = object.if_contains("meta")) {
        meta = *m;
        object.erase("meta");
    }
    auto text = json::serialize(object);
    text.pop_back();  // the closing brace
    auto const change = ctx.change();
    storage::GroupRepository groups(tx, change);
    auto count = groups.count_members(group.id);
    if (count > ctx.app.config.max_inline_members && large == LargeGroups::omit_members) count = 0;
    if (count > ctx.app.config.max_inline_members)
        throw scim::Error::too_many("group \"" + group.id + "\" has " + std::to_string(count) +
                                    " members, more than the " + std::to_string(ctx.app.config.max_inline_members) +
                                    " this server returns inline; read it with excludedAttributes=members and page its "
                                    "members with /Users?filter=groups.value eq \"" +
                                    group.id + "\"");
    if (count > 0) {
        auto const want = [&](char const* sub) {
            auto const* attr = members.find_sub(sub);
            return selected(selection, std::string("members.") + sub, attr);
        };
        bool const value = want("value"), ref = want("$ref"), kind = want("type"), display = want("display");
        bool const filtered = !selection.only_values.empty() || !selection.without_values.empty();
        auto const ref_of = [&](storage::Member const& m) {
            return ctx.base_url + (m.type == "User" ? "/Users/" : "/Groups/") + m.id;
        };
        auto const before_members = text.size();
        text += ",\"members\":[";
        bool first = true;
        bool const viewed = ctx.viewer.has_value();
        groups.for_each_member(
            group.id,
            [&](storage::Member const& m) {
                if (viewed && m.type == "User" && !shown_to(*ctx.viewer, m.id, m.directory)) return;
                if (filtered &&
                    !selection.keeps_value(
                        "members",
                        json::object{{"value", m.id}, {"$ref", ref_of(m)}, {"type", m.type}, {"display", m.display}}))
                    return;
                text += first ? "{" : ",{";
                first = false;
                bool field = false;
                auto const put = [&](char const* key, std::string const& v) {
                    text += field ? ",\"" : "\"";
                    text += key;
                    text += "\":";
                    text += json::serialize(json::string_view(v));
                    field = true;
                };
                if (value) put("value", m.id);
                if (ref) put("$ref", ref_of(m));
                if (kind) put("type", m.type);
                if (display && !m.display.empty()) put("display", m.display);
                text += "}";
            },
            viewed);
        if (first)
            text.resize(before_members);  // a value filter kept no member: no members at all
        else
            text += "]";
    }
    if (!meta.is_null()) text += ",\"meta\":" + json::serialize(meta);
    text += "}";
    return text;
}

// `attributes=` present and empty: the client wants no body.
bool wants_no_body(RequestContext const& ctx) {
    return ctx.has_query_param("attributes") && ctx.query_param("attributes").empty();
}

}  // namespace

boost::asio::awaitable<DirectoryViewer> directory_viewer(RequestContext& ctx) {
    auto const change = ctx.change();
    co_return co_await read_only(ctx, ReadShape::statements, [&](pqxx::transaction_base& tx) {
        DirectoryViewer viewer{ctx.grant.user_id, {}};
        if (auto const user = storage::UserRepository(tx, change).find(ctx.grant.user_id))
            viewer.site = scim::read_directory_fields(user->attributes).site.value_or("");
        return viewer;
    });
}

std::string unlinked_manager(storage::StoredResource const& user) {
    auto const& ext = scim::object_at(user.attributes, scim::urn::enterprise_user);
    auto const& manager = scim::object_at(ext, "manager");
    if (manager.empty() || manager.contains("$ref")) return {};
    return scim::text_at(manager, "value");
}

bool shown_to_viewer(RequestContext const& ctx, std::string_view user_id, json::object const& attributes) {
    if (!ctx.viewer || user_id == ctx.viewer->user_id) return true;
    return scim::shown_in_directory(scim::read_directory_fields(attributes), ctx.viewer->site);
}

bool wants_user_groups(RequestContext const& ctx, scim::ResourceType const& type, scim::Selection const& selection) {
    auto const& core = *ctx.app.registry.schema(type.schema);
    auto const* groups = core.find("groups");
    return groups && selected(selection, "groups", groups);
}

std::vector<std::string> render_resources(pqxx::transaction_base& tx, RequestContext const& ctx,
                                          scim::ResourceType const& type,
                                          std::vector<storage::StoredResource>& resources,
                                          scim::Selection const& selection, LargeGroups large) {
    auto const& core = *ctx.app.registry.schema(type.schema);
    std::vector<std::string> out;
    out.reserve(resources.size());
    if (wants_user_groups(ctx, type, selection) && !resources.empty()) add_user_groups(tx, ctx, resources);
    if (type.id == "User") present_managers(tx, ctx, resources);
    auto const* members = core.find("members");
    bool const with_members = members && selected(selection, "members", members);
    for (auto& r : resources) add_references(ctx, type, r);
    for (auto const& r : resources)
        out.push_back(with_members ? group_text(tx, ctx, type, r, selection, *members, large)
                                   : json::serialize(render(ctx, type, r, selection)));
    return out;
}

Rendered render_one(pqxx::transaction_base& tx, RequestContext const& ctx, scim::ResourceType const& type,
                    storage::StoredResource stored, scim::Selection const& selection, LargeGroups large) {
    std::vector<storage::StoredResource> one{std::move(stored)};
    auto text = render_resources(tx, ctx, type, one, selection, large);
    return {std::move(one.front()), std::move(text.front())};
}

std::optional<Rendered> render_for_get(pqxx::transaction_base& tx, RequestContext const& ctx,
                                       scim::ResourceType const& type, std::optional<storage::StoredResource> stored,
                                       scim::Selection const& selection, LargeGroups large) {
    if (!stored) return std::nullopt;
    if (!ctx.request.if_none_match.empty() && scim::etag_list_matches(ctx.request.if_none_match, stored->version))
        return Rendered{std::move(*stored), std::string()};
    return render_one(tx, ctx, type, std::move(*stored), selection, large);
}

HttpResponse get_response(RequestContext const& ctx, scim::ResourceType const& type, Rendered const& found) {
    if (found.second.empty()) return not_modified(found.first.version);
    return text_resource_response(200, ctx, type, found.first, found.second);
}

HttpResponse text_resource_response(int status, RequestContext const& ctx, scim::ResourceType const& type,
                                    storage::StoredResource const& stored, std::string body) {
    HttpResponse res;
    res.status = status;
    res.body = std::move(body);
    res.set_header("Content-Type", scim_content_type);
    res.set_header("ETag", scim::weak_etag(stored.version));
    if (status == 201) res.set_header("Location", resource_location(ctx, type, stored.id));
    return res;
}

HttpResponse modified_response(RequestContext const& ctx, scim::ResourceType const& type,
                               storage::StoredResource const& stored, std::string body,
                               scim::IgnoredAttributes const& ignored) {
    HttpResponse res;
    if (!wants_no_body(ctx)) {
        res = text_resource_response(200, ctx, type, stored, std::move(body));
    } else {
        res.status = 204;  // RFC 7644 §3.5.2 allows 204 after a PATCH
        res.set_header("ETag", scim::weak_etag(stored.version));
    }
    add_ignored_attributes(res, ignored);
    return res;
}

}  // namespace server::handlers
