// One line per event on stderr, whole lines even from many threads.
#pragma once

#include <string_view>

namespace server {

/// Writes "<UTC time> <text>\n" to stderr in one write.
void log_line(std::string_view text);

}  // namespace server
