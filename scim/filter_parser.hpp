// The filter parser (RFC 7644 §3.4.2.2).
#pragma once

#include <cstddef>
#include <string_view>

#include "scim/filter.hpp"

namespace scim {

struct FilterLimits {
    std::size_t max_length = 8192;  // characters
    std::size_t max_depth = 32;     // nesting of parentheses, not and brackets
    std::size_t max_terms = 256;    // comparisons and value paths
};

/// Parses a filter. Operators, keywords and attribute names are case-insensitive; values are JSON literals
/// (strings with JSON escapes, numbers, true, false, null) and keep their case. `not` binds tighter than
/// `and`, which binds tighter than `or`; parentheses group.
/// @throws Error invalid_filter naming the offset of the first bad token, or too_many past a limit.
Filter parse_filter(std::string_view text, FilterLimits limits = {});

}  // namespace scim
