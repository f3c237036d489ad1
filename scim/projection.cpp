// Parsing of attribute selections and the rules that decide which attributes a response carries.
#include "scim/projection.hpp"

#include <algorithm>
#include <unordered_set>

#include "scim/error.hpp"
#include "scim/filter_eval.hpp"
#include "scim/filter_parser.hpp"
#include "scim/text.hpp"

namespace scim {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The canonical form of one requested path, or empty when it names no schema of this resource type.
std::string canonical_path(std::string_view path, ResourceType const& type, SchemaRegistry const& registry) {
    if (istarts_with(path, type.schema) && path.size() > type.schema.size() && path[type.schema.size()] == ':')
        return to_lower(path.substr(type.schema.size() + 1));
    if (istarts_with(path, "urn:")) {
        // The longest prefix that is an extension URN (or an alias of one) wins.
        for (std::size_t colon = path.rfind(':'); colon != std::string_view::npos && colon > 4;
             colon = path.rfind(':', colon - 1)) {
            for (auto const& candidate : {path, path.substr(0, colon)}) {
                auto const canonical = registry.canonical_urn(candidate);
                bool const is_extension = std::any_of(type.extensions.begin(), type.extensions.end(),
                                                      [&](SchemaExtension const& e) { return e.schema == canonical; });
                if (!canonical.empty() && is_extension) {
                    auto out = to_lower(canonical);
                    if (candidate.size() < path.size()) out += to_lower(path.substr(candidate.size()));
                    return out;
                }
            }
        }
        return {};
    }
    return to_lower(path);
}

// The items of a comma-separated list; commas inside a value filter's brackets or quotes do not split.
std::vector<std::string_view> items(std::string_view list) {
    std::vector<std::string_view> out;
    std::size_t start = 0, depth = 0;
    bool quoted = false;
    for (std::size_t i = 0; i <= list.size(); ++i) {
        if (i < list.size()) {
            char const c = list[i];
            if (quoted) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    quoted = false;
                continue;
            }
            if (c == '"')
                quoted = true;
            else if (c == '[')
                ++depth;
            else if (c == ']' && depth > 0)
                --depth;
            if (c != ',' || depth > 0) continue;
        }
        if (auto const item = trim(list.substr(start, i - start)); !item.empty()) out.push_back(item);
        start = i + 1;
    }
    return out;
}

// Reads one list into canonical paths (`paths`) and value filters (`filters`). A filtered item adds its path only
// when `filtered_paths` says so: `attributes` must name the attribute, `excludedAttributes` must not drop it whole.
void split(std::string_view list, ResourceType const& type, SchemaRegistry const& registry,
           std::vector<std::string>& paths, std::vector<Selection::ValueFilter>& filters, bool filtered_paths) {
    std::unordered_set<std::string> seen;  // a client repeating a name 50 times costs one
    auto const add = [&](std::string path) {
        if (seen.insert(path).second) paths.push_back(std::move(path));
    };
    for (auto const item : items(list)) {
        auto const open = item.find('[');
        if (open == std::string_view::npos) {
            if (auto path = canonical_path(item, type, registry); !path.empty()) add(std::move(path));
            continue;
        }
        auto const head = trim(item.substr(0, open));
        auto const close = item.rfind(']');
        if (close == std::string_view::npos || close < open)
            throw Error::invalid_filter("\"" + std::string(item) + "\": the value filter has no closing ']'");
        auto const canonical = canonical_path(head, type, registry);
        if (canonical.empty()) continue;  // an attribute this type does not have, as for plain names
        ResolvedPath resolved;
        try {
            resolved = resolve_attribute_path(split_attribute_path(head), type, registry, [](std::string detail) {
                return Error::invalid_filter(std::move(detail));
            });
        } catch (Error const&) {
            continue;
        }
        if (!resolved.attribute->multi_valued || resolved.attribute->type != AttributeType::complex ||
            resolved.sub_attribute)
            throw Error::invalid_filter("\"" + std::string(item) +
                                        "\": a value filter needs a multi-valued complex attribute such as emails");
        auto filter = std::make_shared<BoundFilter const>(
            bind_value_filter(parse_filter(item.substr(open + 1, close - open - 1)), resolved, type, registry));
        filters.push_back({canonical, std::move(filter)});
        auto const rest = item.substr(close + 1);
        if (rest.empty()) {
            if (filtered_paths) add(canonical);
        } else if (rest.front() == '.' && resolved.attribute->find_sub(rest.substr(1))) {
            if (filtered_paths) add(canonical + to_lower(rest));
        } else {
            throw Error::invalid_filter("\"" + std::string(item) + "\": expected \".subAttribute\" of " +
                                        resolved.attribute->name + " after ']'");
        }
    }
}

// `inner` lies below `outer`: "name.givenname" below "name", "urn:x:department" below "urn:x".
bool is_below(std::string_view inner, std::string_view outer) {
    return inner.size() > outer.size() && inner.substr(0, outer.size()) == outer &&
           (inner[outer.size()] == '.' || inner[outer.size()] == ':');
}

}  // namespace

Selection parse_selection(std::string_view attributes, std::string_view excluded_attributes, ResourceType const& type,
                          SchemaRegistry const& registry) {
    Selection s;
    split(attributes, type, registry, s.attributes, s.only_values, true);
    if (s.attributes.empty()) {
        s.only_values.clear();
        split(excluded_attributes, type, registry, s.excluded, s.without_values, false);
    }
    return s;
}

StoredMembers stored_members(Selection const& selection, ResourceType const& type, SchemaRegistry const& registry) {
    // The stored member a canonical selection path lies in, and whether the path names all of it.
    auto const member = [&](std::string const& path) -> std::pair<std::string, bool> {
        for (auto const& e : type.extensions) {
            auto const urn = to_lower(e.schema);
            if (path == urn) return {e.schema, true};
            if (path.size() > urn.size() && path.compare(0, urn.size(), urn) == 0 && path[urn.size()] == ':') {
                return {e.schema, false};
            }
        }
        auto const top = path.substr(0, path.find('.'));
        if (auto const* attr = registry.schema(type.schema)->find(top)) return {attr->name, top == path};
        if (auto const* attr = registry.common_attribute(top)) return {attr->name, top == path};
        return {{}, false};
    };
    StoredMembers out;
    for (auto const& path : selection.attributes)
        if (auto [name, whole] = member(path); !name.empty()) out.only.push_back(name);
    if (!selection.attributes.empty() && out.only.empty()) out.only.push_back("id");  // nothing stored is wanted
    for (auto const& path : selection.excluded)
        if (auto [name, whole] = member(path); !name.empty() && whole) out.without.push_back(name);
    return out;
}

bool Selection::keeps_value(std::string_view path, boost::json::value const& element) const {
    for (auto const& f : only_values)
        if (f.path == path && !matches_element(*f.filter, element)) return false;
    for (auto const& f : without_values)
        if (f.path == path && matches_element(*f.filter, element)) return false;
    return true;
}

Pick pick(Selection const& selection, std::string_view path, Returned returned) {
    if (returned == Returned::never) return Pick::none;
    if (returned == Returned::always) return Pick::whole;
    if (!selection.attributes.empty()) {
        for (auto const& wanted : selection.attributes)
            if (wanted == path || is_below(path, wanted)) return Pick::whole;
        for (auto const& wanted : selection.attributes)
            if (is_below(wanted, path)) return Pick::partial;
        return Pick::none;
    }
    if (returned == Returned::request) return Pick::none;
    for (auto const& unwanted : selection.excluded)
        if (unwanted == path || is_below(path, unwanted)) return Pick::none;
    for (auto const& unwanted : selection.excluded)
        if (is_below(unwanted, path)) return Pick::partial;
    return Pick::whole;
}

}  // namespace scim
