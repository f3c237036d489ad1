// Which attributes a write changed, by name: what a change record lists (never the values).
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace scim {

/// The names of the attributes whose values differ between two stored forms of a resource, sorted: top-level
/// names ("title", "emails"), and for an extension object the names inside it, qualified by its URN
/// ("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"). An empty `before` is a create: every
/// attribute of `after` is named.
std::vector<std::string> changed_attributes(boost::json::object const& before, boost::json::object const& after);

}  // namespace scim
