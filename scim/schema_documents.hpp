// The JSON documents of schemas/, embedded at build time.
#pragma once

#include <vector>

#include "scim/embedded_file.hpp"

namespace scim::schema_documents {

/// Every *.json file of schemas/, sorted by name.
std::vector<EmbeddedFile> const& files();

}  // namespace scim::schema_documents
