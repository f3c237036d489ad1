// The filter AST of RFC 7644 §3.4.2.2: comparisons, logical operators, negation and value paths.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include <boost/json/value.hpp>

#include "scim/attribute_path.hpp"

namespace scim {

enum class CompareOp { eq, ne, co, sw, ew, gt, ge, lt, le, pr };

/// The filter tree, over a path type: AttributePath as parsed, ResolvedPath once bound to a schema
/// (scim/filter_binding.hpp).
template <class Path>
struct BasicFilter;
template <class Path>
using BasicFilterPtr = std::shared_ptr<BasicFilter<Path> const>;

/// `path op value`, or `path pr` (value null).
template <class Path>
struct BasicComparison {
    Path path;
    CompareOp op = CompareOp::pr;
    boost::json::value value;
};

/// `left and right`, `left or right`.
template <class Path>
struct BasicLogical {
    bool is_and = true;
    BasicFilterPtr<Path> left;
    BasicFilterPtr<Path> right;
};

/// `not (operand)`.
template <class Path>
struct BasicNegation {
    BasicFilterPtr<Path> operand;
};

/// `path[filter]`: some value of the multi-valued attribute `path` matches `filter`, whose paths name its
/// sub-attributes. `emails[type eq "work"].value eq "x"` is parsed as `emails[type eq "work" and value eq "x"]`.
template <class Path>
struct BasicValuePath {
    Path path;
    BasicFilterPtr<Path> filter;
};

template <class Path>
struct BasicFilter {
    std::variant<BasicComparison<Path>, BasicLogical<Path>, BasicNegation<Path>, BasicValuePath<Path>> node;
};

using Filter = BasicFilter<AttributePath>;
using FilterPtr = BasicFilterPtr<AttributePath>;
using Comparison = BasicComparison<AttributePath>;
using Logical = BasicLogical<AttributePath>;
using Negation = BasicNegation<AttributePath>;
using ValuePath = BasicValuePath<AttributePath>;

std::string_view to_string(CompareOp op) noexcept;

/// A canonical text form, fully parenthesised: `((a pr and b pr) or c pr)`. For tests and logs.
std::string to_string(Filter const& filter);

}  // namespace scim
