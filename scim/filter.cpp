// Printing filters.
#include "scim/filter.hpp"

#include <boost/json/serialize.hpp>

namespace scim {

std::string_view to_string(CompareOp op) noexcept {
    switch (op) {
        case CompareOp::eq:
            return "eq";
        case CompareOp::ne:
            return "ne";
        case CompareOp::co:
            return "co";
        case CompareOp::sw:
            return "sw";
        case CompareOp::ew:
            return "ew";
        case CompareOp::gt:
            return "gt";
        case CompareOp::ge:
            return "ge";
        case CompareOp::lt:
            return "lt";
        case CompareOp::le:
            return "le";
        case CompareOp::pr:
            return "pr";
    }
    return "";
}

std::string to_string(Filter const& filter) {
    struct Printer {
        std::string operator()(Comparison const& c) const {
            auto out = c.path.to_string() + " " + std::string(to_string(c.op));
            if (c.op != CompareOp::pr) out += " " + boost::json::serialize(c.value);
            return out;
        }
        std::string operator()(Logical const& l) const {
            return "(" + to_string(*l.left) + (l.is_and ? " and " : " or ") + to_string(*l.right) + ")";
        }
        std::string operator()(Negation const& n) const { return "not (" + to_string(*n.operand) + ")"; }
        std::string operator()(ValuePath const& v) const {
            return v.path.to_string() + "[" + to_string(*v.filter) + "]";
        }
    };
    return std::visit(Printer{}, filter.node);
}

}  // namespace scim
