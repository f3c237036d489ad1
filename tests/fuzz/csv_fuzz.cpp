// libFuzzer target: any text must be read as the admin console's user CSV (or refused with scim::Error), and every
// field written by csv_field must read back as it was.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scim/csv.hpp"
#include "scim/error.hpp"
#include "scim/user_csv.hpp"
#include "tests/fuzz/refusal.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    for (auto const unknown : {scim::UnknownAttributes::ignore, scim::UnknownAttributes::reject}) {
        try {
            (void)scim::read_user_csv(text, unknown);
        } catch (scim::Error const& e) {
            client_error_only(e);
        }
    }
    // Round trip: a value written as a field and parsed again is the value, once its formula guard is taken off.
    std::string const value(text);
    try {
        auto const records = scim::parse_csv(scim::csv_field(value) + "\n");
        if (value.empty()) return 0;
        if (records.size() != 1 || records[0].fields.size() != 1 ||
            scim::without_formula_guard(records[0].fields[0]) != value)
            __builtin_trap();
    } catch (scim::Error const& e) {
        client_error_only(e);
        // not UTF-8 or holds a NUL: refused as a file would be
    }
    return 0;
}
