// In-memory filter evaluation.
#include "scim/filter_eval.hpp"

#include <boost/json/object.hpp>

#include "scim/text.hpp"

namespace scim {
namespace {

namespace json = boost::json;

int compare_strings(std::string_view a, std::string_view b, bool case_exact) {
    if (case_exact) return a.compare(b);
    return to_lower(a).compare(to_lower(b));
}

bool compare(json::value const* actual, Attribute const& attr, CompareOp op, json::value const& expected) {
    bool const present = actual && !actual->is_null() && !(actual->is_string() && actual->get_string().empty());
    if (op == CompareOp::pr) return present;
    if (expected.is_null()) return op == CompareOp::eq ? !present : present;
    if (!present) return op == CompareOp::ne;
    if (actual->is_string() && expected.is_string()) {
        std::string_view const a = actual->get_string(), e = expected.get_string();
        bool const exact = attr.case_exact;
        auto const la = exact ? std::string(a) : to_lower(a), le = exact ? std::string(e) : to_lower(e);
        switch (op) {
            case CompareOp::eq:
                return la == le;
            case CompareOp::ne:
                return la != le;
            case CompareOp::co:
                return la.find(le) != std::string::npos;
            case CompareOp::sw:
                return la.starts_with(le);
            case CompareOp::ew:
                return la.ends_with(le);
            case CompareOp::gt:
                return compare_strings(a, e, exact) > 0;
            case CompareOp::ge:
                return compare_strings(a, e, exact) >= 0;
            case CompareOp::lt:
                return compare_strings(a, e, exact) < 0;
            case CompareOp::le:
                return compare_strings(a, e, exact) <= 0;
            case CompareOp::pr:
                return present;
        }
    }
    if (actual->is_bool() && expected.is_bool()) {
        bool const same = actual->get_bool() == expected.get_bool();
        return op == CompareOp::eq ? same : op == CompareOp::ne ? !same : false;
    }
    if (actual->is_number() && expected.is_number()) {
        double const a = actual->to_number<double>(), e = expected.to_number<double>();
        switch (op) {
            case CompareOp::eq:
                return a == e;
            case CompareOp::ne:
                return a != e;
            case CompareOp::gt:
                return a > e;
            case CompareOp::ge:
                return a >= e;
            case CompareOp::lt:
                return a < e;
            case CompareOp::le:
                return a <= e;
            default:
                return false;
        }
    }
    return op == CompareOp::ne;  // different types never compare equal
}

}  // namespace

bool matches_element(BoundFilter const& filter, json::value const& element) {
    struct Visit {
        json::value const& element;
        bool operator()(BoundComparison const& c) const {
            auto const& attr = c.path.target();
            json::value const* actual = nullptr;
            if (element.is_object()) actual = element.get_object().if_contains(attr.name);
            return compare(actual, attr, c.op, c.value);
        }
        bool operator()(BoundLogical const& l) const {
            return l.is_and ? matches_element(*l.left, element) && matches_element(*l.right, element)
                            : matches_element(*l.left, element) || matches_element(*l.right, element);
        }
        bool operator()(BoundNegation const& n) const { return !matches_element(*n.operand, element); }
        bool operator()(BoundValuePath const&) const { return false; }  // not nested inside a value path
    };
    return std::visit(Visit{element}, filter.node);
}

}  // namespace scim
