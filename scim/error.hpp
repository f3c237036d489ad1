// The one error type of the protocol: an RFC 7644 §3.12 error response, thrown by scim/ and storage/.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace scim {

/// The `scimType` values of RFC 7644 §3.12 (none for errors that have no type, such as 404).
enum class ScimType {
    none,
    invalid_filter,
    too_many,
    uniqueness,
    mutability,
    invalid_syntax,
    invalid_path,
    no_target,
    invalid_value,
    invalid_vers,
    sensitive,
    invalid_cursor,  // RFC 9865
    expired_cursor,  // RFC 9865
};

/// The wire spelling of a ScimType ("invalidFilter"); empty for ScimType::none.
std::string_view to_string(ScimType type) noexcept;

/// An RFC 7644 §3.12 error response. Rendered only by the server's error response.
class Error : public std::exception {
public:
    Error(int status, ScimType type, std::string detail);

    static Error invalid_filter(std::string detail);   // 400 invalidFilter
    static Error too_many(std::string detail);         // 400 tooMany
    static Error invalid_syntax(std::string detail);   // 400 invalidSyntax
    static Error invalid_path(std::string detail);     // 400 invalidPath
    static Error no_target(std::string detail);        // 400 noTarget
    static Error invalid_value(std::string detail);    // 400 invalidValue
    static Error invalid_version(std::string detail);  // 400 invalidVers
    static Error mutability(std::string detail);       // 400 mutability
    static Error invalid_cursor(std::string detail);   // 400 invalidCursor (RFC 9865)
    static Error expired_cursor(std::string detail);   // 400 expiredCursor (RFC 9865)
    static Error uniqueness(std::string detail);       // 409 uniqueness
    static Error unauthorized(std::string detail);     // 401
    /// 401 for a bearer token that was presented and is not good: WWW-Authenticate says error="invalid_token" and
    /// why (RFC 6750 §3.1).
    static Error invalid_token(std::string detail);
    static Error forbidden(std::string detail);               // 403
    static Error not_found(std::string detail);               // 404
    static Error method_not_allowed(std::string detail);      // 405
    static Error conflict(std::string detail);                // 409 without a scimType
    static Error precondition_failed(std::string detail);     // 412
    static Error payload_too_large(std::string detail);       // 413
    static Error unsupported_media_type(std::string detail);  // 415
    static Error not_implemented(std::string detail);         // 501
    /// 429, and how many seconds to wait before the next request (Retry-After).
    static Error too_many_requests(std::string detail, int retry_after_seconds);
    /// 503, and how many seconds to wait before trying again (Retry-After).
    static Error unavailable(std::string detail, int retry_after_seconds = 5);
    static Error internal();  // 500, with a detail that reveals nothing

    int status() const noexcept { return status_; }
    ScimType scim_type() const noexcept { return type_; }
    std::string const& detail() const noexcept { return detail_; }
    /// Seconds a client should wait before retrying (429 and 503); 0 when the error says nothing about it.
    int retry_after_seconds() const noexcept { return retry_after_seconds_; }
    /// Whether this 401 is about a token presented (invalid_token), not about a missing one.
    bool token_invalid() const noexcept { return token_invalid_; }
    char const* what() const noexcept override { return detail_.c_str(); }

    /// {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":…,"detail":…}
    boost::json::object to_json() const;

private:
    int status_;
    ScimType type_;
    std::string detail_;
    int retry_after_seconds_ = 0;
    bool token_invalid_ = false;
};

/// A 400 invalidFilter for a filter that names an attribute the resource type does not have: its own type, so that
/// a search across resource types can tell "not of this type" from a malformed filter.
class UnknownAttributeError : public Error {
public:
    explicit UnknownAttributeError(std::string detail) : Error(400, ScimType::invalid_filter, std::move(detail)) {}
};

}  // namespace scim
