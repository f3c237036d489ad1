// The company directory page's files (web/directory/), embedded at build time.
#pragma once

#include <vector>

#include "scim/embedded_file.hpp"

namespace server::web_files {

/// Every file of web/directory/, sorted by name.
std::vector<scim::EmbeddedFile> const& files();

}  // namespace server::web_files
