// Reading query parameters and SearchRequest bodies.
#include "server/handlers/list_request.hpp"

#include <charconv>

#include <boost/json/serialize.hpp>

#include "scim/error.hpp"
#include "scim/text.hpp"

namespace server::handlers {
namespace {

namespace json = boost::json;

constexpr std::string_view search_request = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

std::int64_t parse_integer(std::string_view name, std::string_view text) {
    std::int64_t value = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    // Absurdly large values are clamped like any other large value.
    if (ec == std::errc::result_out_of_range) return text.front() == '-' ? INT64_MIN : INT64_MAX;
    if (ec != std::errc() || end != text.data() + text.size())
        throw scim::Error::invalid_value("\"" + std::string(name) + "\" must be an integer, not \"" +
                                         std::string(text) + "\"");
    return value;
}

std::string joined(json::value const& v, std::string_view name) {
    if (v.is_string()) return std::string(v.get_string());
    if (!v.is_array())
        throw scim::Error::invalid_value("\"" + std::string(name) + "\" must be an array of attribute names");
    std::string out;
    for (auto const& item : v.get_array()) {
        if (!item.is_string())
            throw scim::Error::invalid_value("\"" + std::string(name) + "\" must be an array of attribute names");
        if (!out.empty()) out += ',';
        out += item.get_string();
    }
    return out;
}

}  // namespace

ListRequest list_request_from_query(RequestContext const& ctx) {
    ListRequest r;
    if (ctx.has_query_param("filter")) r.filter = std::string(ctx.query_param("filter"));
    r.sort_by = std::string(ctx.query_param("sortBy"));
    r.sort_order = std::string(ctx.query_param("sortOrder"));
    if (ctx.has_query_param("startIndex")) r.start_index = parse_integer("startIndex", ctx.query_param("startIndex"));
    if (ctx.has_query_param("count")) r.count = parse_integer("count", ctx.query_param("count"));
    if (ctx.has_query_param("cursor")) r.cursor = std::string(ctx.query_param("cursor"));
    r.attributes = std::string(ctx.query_param("attributes"));
    r.excluded_attributes = std::string(ctx.query_param("excludedAttributes"));
    return r;
}

ListRequest list_request_from_body(json::object const& body) {
    ListRequest r;
    bool declared = false;
    for (auto const& [key, value] : body) {
        auto const string_member = [&, k = std::string_view(key)]() -> std::string {
            if (!value.is_string()) throw scim::Error::invalid_value("\"" + std::string(k) + "\" must be a string");
            return std::string(value.get_string());
        };
        auto const integer_member = [&, k = std::string_view(key)]() -> std::int64_t {
            if (value.is_int64()) return value.get_int64();
            if (value.is_uint64()) return INT64_MAX;
            if (value.is_string()) return parse_integer(k, value.get_string());
            throw scim::Error::invalid_value("\"" + std::string(k) + "\" must be an integer");
        };
        if (scim::iequals(key, "schemas")) {
            if (value.is_array())
                for (auto const& urn : value.get_array())
                    declared = declared || (urn.is_string() && scim::iequals(urn.get_string(), search_request));
        } else if (scim::iequals(key, "filter")) {
            r.filter = string_member();
        } else if (scim::iequals(key, "sortBy")) {
            r.sort_by = string_member();
        } else if (scim::iequals(key, "sortOrder")) {
            r.sort_order = string_member();
        } else if (scim::iequals(key, "startIndex")) {
            r.start_index = integer_member();
        } else if (scim::iequals(key, "count")) {
            r.count = integer_member();
        } else if (scim::iequals(key, "cursor")) {
            r.cursor = string_member();
        } else if (scim::iequals(key, "attributes")) {
            r.attributes = joined(value, "attributes");
        } else if (scim::iequals(key, "excludedAttributes")) {
            r.excluded_attributes = joined(value, "excludedAttributes");
        } else {
            throw scim::Error::invalid_syntax("unknown member \"" + std::string(key) + "\" in a SearchRequest");
        }
    }
    if (!declared) throw scim::Error::invalid_syntax("\"schemas\" must list \"" + std::string(search_request) + "\"");
    return r;
}

}  // namespace server::handlers
