// The filter AST of RFC 7644 §3.4.2.2: comparisons, logical operators, negation and value paths.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include <boost/json/value.hpp>

#include "scim/attribute_path.hpp"

namespace scim {

enum class CompareOp { eq, ne, co, sw, ew, gt, ge, lt, le, pr };

struct Filter;
using FilterPtr = std::shared_ptr<Filter const>;

/// `path op value`, or `path pr` (value null).
struct Comparison {
    AttributePath path;
    CompareOp op = CompareOp::pr;
    boost::json::value value;
};

/// `left and right`, `left or right`.
struct Logical {
    bool is_and = true;
    FilterPtr left;
    FilterPtr right;
};

/// `not (operand)`.
struct Negation {
    FilterPtr operand;
};

/// `path[filter]`: some value of the multi-valued attribute `path` matches `filter`, whose paths name its
/// sub-attributes. `emails[type eq "work"].value eq "x"` is parsed as `emails[type eq "work" and value eq "x"]`.
struct ValuePath {
    AttributePath path;
    FilterPtr filter;
};

struct Filter {
    std::variant<Comparison, Logical, Negation, ValuePath> node;
};

std::string_view to_string(CompareOp op) noexcept;

/// A canonical text form, fully parenthesised: `((a pr and b pr) or c pr)`. For tests and logs.
std::string to_string(Filter const& filter);

}  // namespace scim
