// Attribute selection for responses: `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5) and the
// `returned` characteristic of each attribute (RFC 7643 §7).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "scim/filter_binding.hpp"
#include "scim/schema.hpp"

namespace scim {

/// The attribute paths a client asked for or excluded, in canonical lower-case form: "username",
/// "name.givenname", "<extension urn>:department", or "<extension urn>" for a whole extension.
struct Selection {
    /// A value filter on a multi-valued attribute (`emails[type eq "work"]`), by the attribute's canonical path.
    struct ValueFilter {
        std::string path;
        std::shared_ptr<BoundFilter const> filter;
    };

    std::vector<std::string> attributes;      // when not empty, only these (plus `returned: always`) are returned
    std::vector<std::string> excluded;        // otherwise, every `returned: default` attribute but these
    std::vector<ValueFilter> only_values;     // attributes=emails[type eq "work"]: only the values that match
    std::vector<ValueFilter> without_values;  // excludedAttributes=emails[type eq "work"]: all but those

    /// Whether `element`, one value of the attribute at canonical `path`, is kept by the value filters.
    bool keeps_value(std::string_view path, boost::json::value const& element) const;
};

/// Parses the comma-separated `attributes` and `excludedAttributes` query values. Names are case-insensitive
/// and may be qualified by the resource type's schema URNs. Names the schema does not know are ignored, as a
/// client may ask for attributes another server has. When both are given, `attributes` wins.
/// A multi-valued complex attribute may carry a value filter (`emails[type eq "work"]`, also followed by
/// `.value`): `attributes` then returns only the values that match, `excludedAttributes` all values but those.
/// Repeated names count once. @throws Error invalid_filter for a value filter that does not parse or bind.
Selection parse_selection(std::string_view attributes, std::string_view excluded_attributes, ResourceType const& type,
                          SchemaRegistry const& registry);

/// The top-level members of a stored resource (attribute names, extension URNs) that a selection can use:
/// `only` when it names what it wants, else `without` what it excludes whole. Both empty: everything.
struct StoredMembers {
    std::vector<std::string> only;
    std::vector<std::string> without;
};
StoredMembers stored_members(Selection const& selection, ResourceType const& type, SchemaRegistry const& registry);

/// How much of an attribute a selection keeps.
enum class Pick { none, whole, partial };

/// Whether the attribute at canonical `path` (see Selection) with characteristic `returned` is returned.
/// `partial` means only some of its sub-attributes are: ask again for each "path.sub".
Pick pick(Selection const& selection, std::string_view path, Returned returned);

}  // namespace scim
