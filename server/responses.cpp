// Response builders shared by the handlers.
#include "server/responses.hpp"

#include <boost/json/serialize.hpp>

#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/render.hpp"
#include "scim/urns.hpp"
#include "server/error_response.hpp"

namespace server {

HttpResponse json_response(int status, boost::json::object const& body) {
    HttpResponse res;
    res.status = status;
    res.body = boost::json::serialize(body);
    res.set_header("Content-Type", scim_content_type);
    return res;
}

void add_ignored_attributes(HttpResponse& res, scim::IgnoredAttributes const& ignored) {
    if (ignored.empty()) return;
    constexpr std::size_t max_name = 128;  // a made-up name is the client's text: keep the header small
    std::string value;
    for (auto const& name : ignored.names()) {
        if (!value.empty()) value += ", ";
        for (std::size_t i = 0; i < name.size() && i < max_name; ++i) {
            auto const c = static_cast<unsigned char>(name[i]);
            value += (c > 0x20 && c < 0x7f && c != ',') ? static_cast<char>(c) : '?';
        }
    }
    if (ignored.more() > 0) value += ", +" + std::to_string(ignored.more()) + " more";
    res.set_header(std::string(ignored_attributes_header), std::move(value));
}

void add_unlinked_reference(HttpResponse& res, std::string_view attribute, std::string_view value) {
    if (value.empty()) return;
    std::string text = std::string(attribute) + "=";
    for (std::size_t i = 0; i < value.size() && i < 128; ++i) {  // the client's text: printable, short
        auto const c = static_cast<unsigned char>(value[i]);
        text += (c > 0x20 && c < 0x7f && c != ',') ? static_cast<char>(c) : '?';
    }
    res.set_header(std::string(unlinked_references_header), std::move(text));
}

HttpResponse not_modified(std::int64_t version) {
    HttpResponse res;
    res.status = 304;
    res.set_header("ETag", scim::weak_etag(version));
    return res;
}

HttpResponse no_content() {
    HttpResponse res;
    res.status = 204;
    return res;
}

void check_if_match(std::string_view if_match, std::int64_t version) {
    if (if_match.empty() || scim::etag_list_matches(if_match, version)) return;
    throw scim::Error::precondition_failed("If-Match " + std::string(if_match) +
                                           " does not match the current version " + scim::weak_etag(version) +
                                           "; read the resource again and retry");
}

std::string resource_location(RequestContext const& ctx, scim::ResourceType const& type, std::string const& id) {
    return ctx.base_url + type.endpoint + "/" + id;
}

boost::json::object render(RequestContext const& ctx, scim::ResourceType const& type,
                           storage::StoredResource const& stored, scim::Selection const& selection) {
    scim::ResourceMeta const meta{stored.id, stored.created, stored.last_modified,
                                  resource_location(ctx, type, stored.id), stored.version};
    return scim::render_resource(type, ctx.app.registry, stored.attributes, meta, selection);
}

std::string list_response_text(std::vector<std::string> const& resources, std::optional<std::int64_t> total,
                               std::optional<std::int64_t> start_index, boost::json::object extra) {
    boost::json::object head;
    head["schemas"] = boost::json::array{scim::urn::list_response};
    if (total) head["totalResults"] = *total;
    head["itemsPerPage"] = static_cast<std::int64_t>(resources.size());
    if (start_index) head["startIndex"] = *start_index;
    for (auto& [k, v] : extra) head[k] = v;
    auto text = boost::json::serialize(head);
    text.pop_back();
    text += ",\"Resources\":[";
    for (std::size_t i = 0; i < resources.size(); ++i) {
        if (i) text += ',';
        text += resources[i];
    }
    return text + "]}";
}

scim::Selection request_selection(RequestContext const& ctx, scim::ResourceType const& type) {
    return scim::parse_selection(ctx.query_param("attributes"), ctx.query_param("excludedAttributes"), type,
                                 ctx.app.registry);
}

}  // namespace server
