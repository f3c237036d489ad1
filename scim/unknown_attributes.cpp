// The unknown-attribute policy's names and the list of what a request had ignored.
#include "scim/unknown_attributes.hpp"

#include "scim/text.hpp"

namespace scim {

std::string_view to_string(UnknownAttributes policy) noexcept {
    return policy == UnknownAttributes::ignore ? "ignore" : "reject";
}

std::optional<UnknownAttributes> unknown_attributes_from(std::string_view text) noexcept {
    if (iequals(text, "ignore")) return UnknownAttributes::ignore;
    if (iequals(text, "reject")) return UnknownAttributes::reject;
    return std::nullopt;
}

void IgnoredAttributes::add(std::string_view name) {
    if (!seen_.emplace(name).second) return;  // at most as many as the request had names
    if (names_.size() < max_names)
        names_.emplace_back(name);
    else
        ++more_;
}

void IgnoredAttributes::add_all(IgnoredAttributes const& other) {
    for (auto const& name : other.names_) add(name);
    more_ += other.more_;
}

}  // namespace scim
