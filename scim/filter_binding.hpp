// Filters bound to a resource type's schema: every path resolved, every value checked against its attribute.
#pragma once

#include <boost/json/value.hpp>

#include "scim/attribute_path.hpp"
#include "scim/filter.hpp"

namespace scim {

/// A filter whose paths are resolved. Inside a value path, a comparison's path names the value path's attribute
/// and one of its sub-attributes. Values have the attribute's type (booleans, numbers, strings; dateTimes as
/// checked strings); null for `pr`.
using BoundFilter = BasicFilter<ResolvedPath>;
using BoundFilterPtr = BasicFilterPtr<ResolvedPath>;
using BoundComparison = BasicComparison<ResolvedPath>;
using BoundLogical = BasicLogical<ResolvedPath>;
using BoundNegation = BasicNegation<ResolvedPath>;
using BoundValuePath = BasicValuePath<ResolvedPath>;

/// Binds `filter` to resources of `type` (RFC 7644 §3.4.2.2 semantics):
/// - names resolve case-insensitively, qualified by any of the type's schema URNs or not;
/// - a multi-valued complex attribute compared as a whole means its `value` sub-attribute (`emails co "@x"`);
/// - `gt`/`ge`/`lt`/`le` are refused on booleans and binary, `co`/`sw`/`ew` on anything but strings;
/// - values must have the attribute's type (a dateTime string for dateTimes); `null` only with `eq`/`ne`;
/// - write-only attributes such as `password` cannot be filtered.
/// @throws Error invalid_filter naming the attribute or value at fault.
BoundFilter bind_filter(Filter const& filter, ResourceType const& type, SchemaRegistry const& registry);

/// Binds the filter of a value path (`emails[type eq "work"]`): its paths name sub-attributes of `parent`.
/// @throws Error invalid_filter as bind_filter does.
BoundFilter bind_value_filter(Filter const& filter, ResolvedPath const& parent, ResourceType const& type,
                              SchemaRegistry const& registry);

/// Resolves a `sortBy` path: any attribute or sub-attribute that is not write-only; a multi-valued complex
/// attribute sorts by its primary (or first) `value`.
/// @throws Error invalid_value naming the path.
ResolvedPath resolve_sort_path(std::string_view sort_by, ResourceType const& type, SchemaRegistry const& registry);

}  // namespace scim
