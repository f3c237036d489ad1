// Line logging to stderr, as text or JSON.
#include "server/log.hpp"

#include <chrono>
#include <cstdio>

#include "scim/utf8.hpp"
#include "storage/stored_resource.hpp"

namespace server {

namespace {

LogFormat format = LogFormat::text;

std::string_view level_name(LogLevel level) {
    switch (level) {
        case LogLevel::warning:
            return "warning";
        case LogLevel::error:
            return "error";
        case LogLevel::info:
            break;
    }
    return "info";
}

std::string now_text() { return storage::format_timestamp(std::chrono::system_clock::now()); }

void write(std::string line) {
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);  // one call: stdio locks the stream per call
}

std::string number(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", v);
    return buffer;
}

}  // namespace

void set_log_format(LogFormat f) { format = f; }

std::string json_string(std::string_view text) {
    bool const utf8 = scim::is_valid_utf8(text);
    std::string out = "\"";
    for (char c : text) {
        auto const u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
            out += escaped;
        } else {
            out += (u >= 0x80 && !utf8) ? '?' : c;
        }
    }
    return out + "\"";
}

std::string log_text(std::string_view text) {
    bool const utf8 = scim::is_valid_utf8(text);
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto const u = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20 || u == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", u);
            out += escaped;
        } else {
            out += (u >= 0x80 && !utf8) ? '?' : c;
        }
    }
    return out;
}

void log_line(std::string_view msg, LogLevel level, std::string_view request_id) {
    if (format == LogFormat::json) {
        std::string line = "{\"ts\":" + json_string(now_text()) + ",\"level\":\"" + std::string(level_name(level)) +
                           "\",\"msg\":" + json_string(msg);
        if (!request_id.empty()) line += ",\"request_id\":" + json_string(request_id);
        write(line + "}");
        return;
    }
    std::string line = now_text() + " ";
    if (!request_id.empty()) line += log_text(request_id) + " ";
    if (level != LogLevel::info) line += std::string(level_name(level)) + ": ";
    write(line + log_text(msg));
}

void log_access(AccessRecord const& r) {
    if (format == LogFormat::json) {
        std::string line = "{\"ts\":" + json_string(now_text()) + ",\"level\":\"info\",\"msg\":\"request\"" +
                           ",\"request_id\":" + json_string(r.request_id) +
                           ",\"tenant\":" + (r.tenant.empty() ? std::string("null") : json_string(r.tenant)) +
                           ",\"method\":" + json_string(r.method) + ",\"route\":" + json_string(r.route) +
                           ",\"path\":" + json_string(r.path) + ",\"status\":" + std::to_string(r.status) +
                           ",\"duration_ms\":" + number(r.duration_ms) + ",\"bytes\":" + std::to_string(r.bytes);
        if (!r.ignored.empty()) line += ",\"ignored\":" + json_string(r.ignored);
        if (!r.unlinked.empty()) line += ",\"unlinked\":" + json_string(r.unlinked);
        write(line + "}");
        return;
    }
    std::string line = now_text() + " " + log_text(r.request_id) + " " + log_text(r.method) + " " + log_text(r.path) +
                       " " + std::to_string(r.status) + " " + number(r.duration_ms) + "ms " + std::to_string(r.bytes) +
                       "B";
    if (!r.tenant.empty()) line += " tenant=" + log_text(r.tenant);
    if (!r.ignored.empty()) line += " ignored=" + log_text(r.ignored);
    if (!r.unlinked.empty()) line += " unlinked=" + log_text(r.unlinked);
    write(line);
}

}  // namespace server
