// Lexical forms of SCIM values that JSON does not type: dateTime and binary (RFC 7643 §2.3).
#pragma once

#include <string_view>

namespace scim {

/// xsd:dateTime as RFC 7643 §2.3.5 asks: YYYY-MM-DDThh:mm:ss[.fraction][Z|(+|-)hh:mm], and a real instant: years
/// 0001-9999, days that exist in their month, a fraction of 1-9 digits, offsets up to ±15:59.
bool is_date_time(std::string_view text);

/// Base64 (RFC 4648 §4) with its padding.
bool is_base64(std::string_view text);

}  // namespace scim
