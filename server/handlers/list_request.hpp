// The parameters of a query (RFC 7644 §3.4.2, §3.4.3; RFC 9865), from a GET query string or a SearchRequest body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "server/request_context.hpp"

namespace server::handlers {

struct ListRequest {
    std::optional<std::string> filter;
    std::string sort_by;
    std::string sort_order;  // "ascending" (default) or "descending"
    std::optional<std::int64_t> start_index;
    std::optional<std::int64_t> count;
    std::optional<std::string> cursor;  // present, even empty, for cursor pagination
    std::string attributes;             // comma-separated, as in a query string
    std::string excluded_attributes;
};

/// From the query string of GET /Users and the like. @throws scim::Error invalid_value for non-integer counts.
ListRequest list_request_from_query(RequestContext const& ctx);

/// From a SearchRequest body. @throws scim::Error invalid_syntax / invalid_value naming the member at fault.
ListRequest list_request_from_body(boost::json::object const& body);

}  // namespace server::handlers
