// One line per event on stderr, whole lines even from many threads: free text for a person at a terminal, or one JSON
// object per line for a log pipeline (--log-format json). No line ever holds a token, a password or a query string.
#pragma once

#include <string>
#include <string_view>

namespace server {

enum class LogFormat { text, json };
enum class LogLevel { info, warning, error };

/// Chosen once at startup, before any thread logs.
void set_log_format(LogFormat format);

/// text: "<UTC time> [<request id> ]<msg>" (warnings and errors prefixed "warning: " and "error: ");
/// json: {"ts","level","msg"[,"request_id"]}.
void log_line(std::string_view msg, LogLevel level = LogLevel::info, std::string_view request_id = {});

/// What the access log says of one answered request.
struct AccessRecord {
    std::string_view request_id;
    std::string_view tenant;  // empty before authentication
    std::string_view method;
    std::string_view route;  // the template, "/Users/{id}"
    std::string_view path;   // without the query, which may hold personal data
    int status = 0;
    double duration_ms = 0;
    std::size_t bytes = 0;      // of the response body
    std::string_view ignored;   // attributes the request named that were ignored, if any
    std::string_view unlinked;  // references kept unlinked (a manager naming nobody of the tenant), if any
};

/// text: "<UTC time> <request id> <METHOD> <path> <status> <ms>ms <bytes>B[ tenant=<name>][ ignored=<names>]
/// [ unlinked=<attribute=value>]";
/// json: {"ts","level","msg":"request","request_id","tenant","method","route","path","status","duration_ms","bytes"}.
void log_access(AccessRecord const& record);

/// `text` as one line of a text log: control characters (line breaks among them) written as \n, \r, \t or \xNN, and
/// bytes that are not UTF-8 text as '?', so that text from a client or a remote system can never forge a line.
std::string log_text(std::string_view text);

/// `text` as a JSON string literal, quotes included; bytes that are not UTF-8 text become '?'.
std::string json_string(std::string_view text);

}  // namespace server
