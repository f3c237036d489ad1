// A data file compiled into the binary (schemas, migrations), so scimd runs from any directory.
#pragma once

#include <string_view>

namespace scim {

struct EmbeddedFile {
    std::string_view name;  // file name, e.g. "user.json"
    std::string_view text;
};

}  // namespace scim
