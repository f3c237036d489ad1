// UTF-8 well-formedness (RFC 3629): text from a URL or a CSV file is bytes until checked.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace scim {

/// The length of the well-formed prefix of `text`: text.size() when all of it is UTF-8 (no overlong forms,
/// surrogates or code points past U+10FFFF).
std::size_t valid_utf8_prefix(std::string_view text) noexcept;

inline bool is_valid_utf8(std::string_view text) noexcept { return valid_utf8_prefix(text) == text.size(); }

/// `text` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD, so it can be put in JSON.
std::string to_valid_utf8(std::string_view text);

}  // namespace scim
