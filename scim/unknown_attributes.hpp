// What a tenant does with attributes its resource types do not define: identity providers send attributes an admin
// mapped on their side, and a sync must not stop for them (the default), unless the tenant asks to be strict.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace scim {

enum class UnknownAttributes {
    ignore,  // drop them, and say which (the response's SCIM-Ignored-Attributes header)
    reject,  // 400 naming the first one
};

/// "ignore" or "reject".
std::string_view to_string(UnknownAttributes policy) noexcept;
/// The policy named `text` (any case); nullopt for anything else.
std::optional<UnknownAttributes> unknown_attributes_from(std::string_view text) noexcept;

/// The names a request used that were dropped, as the client wrote them, each once, in the order first seen.
/// Lists the first `max_names`; the rest are only counted, so a response names no more than that however many a
/// body made up.
class IgnoredAttributes {
public:
    static constexpr std::size_t max_names = 64;

    void add(std::string_view name);
    void add_all(IgnoredAttributes const& other);
    bool empty() const noexcept { return names_.empty(); }
    std::vector<std::string> const& names() const noexcept { return names_; }
    /// Distinct names seen beyond the first max_names.
    std::size_t more() const noexcept { return more_; }

private:
    std::vector<std::string> names_;
    std::unordered_set<std::string> seen_;
    std::size_t more_ = 0;
};

}  // namespace scim
