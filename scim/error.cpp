// Error factories and the RFC 7644 §3.12 rendering.
#include "scim/error.hpp"

#include "scim/urns.hpp"
#include "scim/utf8.hpp"

namespace scim {

std::string_view to_string(ScimType type) noexcept {
    switch (type) {
        case ScimType::none:
            return "";
        case ScimType::invalid_filter:
            return "invalidFilter";
        case ScimType::too_many:
            return "tooMany";
        case ScimType::uniqueness:
            return "uniqueness";
        case ScimType::mutability:
            return "mutability";
        case ScimType::invalid_syntax:
            return "invalidSyntax";
        case ScimType::invalid_path:
            return "invalidPath";
        case ScimType::no_target:
            return "noTarget";
        case ScimType::invalid_value:
            return "invalidValue";
        case ScimType::invalid_vers:
            return "invalidVers";
        case ScimType::sensitive:
            return "sensitive";
        case ScimType::invalid_cursor:
            return "invalidCursor";
        case ScimType::expired_cursor:
            return "expiredCursor";
    }
    return "";
}

Error::Error(int status, ScimType type, std::string detail)
    : status_(status), type_(type), detail_(std::move(detail)) {}

Error Error::invalid_filter(std::string detail) { return {400, ScimType::invalid_filter, std::move(detail)}; }
Error Error::too_many(std::string detail) { return {400, ScimType::too_many, std::move(detail)}; }
Error Error::invalid_syntax(std::string detail) { return {400, ScimType::invalid_syntax, std::move(detail)}; }
Error Error::invalid_path(std::string detail) { return {400, ScimType::invalid_path, std::move(detail)}; }
Error Error::no_target(std::string detail) { return {400, ScimType::no_target, std::move(detail)}; }
Error Error::invalid_value(std::string detail) { return {400, ScimType::invalid_value, std::move(detail)}; }
Error Error::invalid_version(std::string detail) { return {400, ScimType::invalid_vers, std::move(detail)}; }
Error Error::mutability(std::string detail) { return {400, ScimType::mutability, std::move(detail)}; }
Error Error::invalid_cursor(std::string detail) { return {400, ScimType::invalid_cursor, std::move(detail)}; }
Error Error::expired_cursor(std::string detail) { return {400, ScimType::expired_cursor, std::move(detail)}; }
Error Error::uniqueness(std::string detail) { return {409, ScimType::uniqueness, std::move(detail)}; }
Error Error::unauthorized(std::string detail) { return {401, ScimType::none, std::move(detail)}; }

Error Error::invalid_token(std::string detail) {
    Error e{401, ScimType::none, std::move(detail)};
    e.token_invalid_ = true;
    return e;
}
Error Error::forbidden(std::string detail) { return {403, ScimType::none, std::move(detail)}; }
Error Error::not_found(std::string detail) { return {404, ScimType::none, std::move(detail)}; }
Error Error::method_not_allowed(std::string detail) { return {405, ScimType::none, std::move(detail)}; }
Error Error::conflict(std::string detail) { return {409, ScimType::none, std::move(detail)}; }
Error Error::precondition_failed(std::string detail) { return {412, ScimType::none, std::move(detail)}; }
Error Error::payload_too_large(std::string detail) { return {413, ScimType::none, std::move(detail)}; }
Error Error::unsupported_media_type(std::string detail) { return {415, ScimType::none, std::move(detail)}; }
Error Error::not_implemented(std::string detail) { return {501, ScimType::none, std::move(detail)}; }
Error Error::unavailable(std::string detail, int retry_after_seconds) {
    Error e{503, ScimType::none, std::move(detail)};
    e.retry_after_seconds_ = retry_after_seconds;
    return e;
}

Error Error::too_many_requests(std::string detail, int retry_after_seconds) {
    Error e{429, ScimType::none, std::move(detail)};
    e.retry_after_seconds_ = retry_after_seconds;
    return e;
}
Error Error::internal() {
    return {500, ScimType::none, "internal server error; the request id in the log identifies it"};
}

boost::json::object Error::to_json() const {
    boost::json::object body;
    body["schemas"] = boost::json::array{urn::error};
    body["status"] = std::to_string(status_);  // a string, as RFC 7644 §3.12 shows
    if (type_ != ScimType::none) body["scimType"] = to_string(type_);
    body["detail"] = to_valid_utf8(detail_);  // details quote the client's text, which may be any bytes
    return body;
}

}  // namespace scim
