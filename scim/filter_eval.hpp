// Evaluating a bound value filter against one value of a multi-valued attribute, in memory (PATCH paths).
#pragma once

#include <boost/json/value.hpp>

#include "scim/filter_binding.hpp"

namespace scim {

/// Whether `element` (one value of the value path's attribute, as stored) matches `filter`, whose comparisons
/// name sub-attributes of that attribute. Strings compare case-insensitively unless the sub-attribute is
/// case-exact; an absent sub-attribute matches only `ne`, `eq null` and `not`.
bool matches_element(BoundFilter const& filter, boost::json::value const& element);

}  // namespace scim
