// Line logging to stderr.
#include "server/log.hpp"

#include <chrono>
#include <cstdio>
#include <string>

#include "storage/stored_resource.hpp"

namespace server {

void log_line(std::string_view text) {
    std::string line = storage::format_timestamp(std::chrono::system_clock::now());
    line += ' ';
    line += text;
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);  // one call: stdio locks the stream per call
}

}  // namespace server
