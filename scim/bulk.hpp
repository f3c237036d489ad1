// Bulk requests (RFC 7644 §3.7), pure: reading a BulkRequest, the bulkId references between its operations, the
// order that satisfies them, and putting the created ids in place of the references.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "scim/error.hpp"

namespace scim {

enum class BulkMethod { post, put, patch, del };

/// The method as the response spells it ("POST", "DELETE").
std::string_view to_string(BulkMethod method) noexcept;

struct BulkOperation {
    std::optional<BulkMethod> method;  // empty only when the operation's error says it is missing or unknown
    std::string path;                  // as the client wrote it; "bulkId:" references in it are resolved before it runs
    std::string bulk_id;               // required for POST, unique in the request
    std::string version;               // the ETag the resource must still have, as If-Match
    boost::json::value data;           // the request body (null for DELETE)
    std::vector<std::string> references;  // bulkIds named in path and data, each once
    std::optional<Error> error;           // the operation is invalid on its own: reported when its turn comes
};

struct BulkRequest {
    std::vector<BulkOperation> operations;
    std::optional<std::int64_t> fail_on_errors;  // stop once this many operations failed
};

/// Reads a BulkRequest body. A malformed request as a whole (schemas, Operations, failOnErrors) throws; a
/// malformed operation is kept with its `error` so the others still run.
/// @throws Error invalid_syntax, or payload_too_large (413) when there are more than `max_operations`.
BulkRequest parse_bulk_request(boost::json::object const& body, std::size_t max_operations);

/// The indices of `operations` in the order to run them: request order, except that an operation waits for the
/// POSTs whose bulkIds it references. Operations that reference a bulkId no POST defines, or that wait on each
/// other in a circle (directly or through others), get an `error` (409 invalidValue) and keep their place.
std::vector<std::size_t> bulk_execution_order(std::vector<BulkOperation>& operations);

/// Created resources by bulkId.
using BulkIds = std::map<std::string, std::string, std::less<>>;

/// `value` with every string "bulkId:<id>" replaced by the id created for it.
/// @throws Error 409 invalidValue naming a reference with no created resource (its POST failed).
void resolve_bulk_ids(boost::json::value& value, BulkIds const& created);

/// `path` ("/Groups/bulkId:x") with its reference replaced, as for resolve_bulk_ids.
std::string resolve_bulk_path(std::string_view path, BulkIds const& created);

}  // namespace scim
