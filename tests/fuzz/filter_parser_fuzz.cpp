// libFuzzer target: any text must either parse, bind and translate to SQL, or be refused with scim::Error.
// Anything else (another exception, a crash, a sanitizer report) is a bug; its input becomes a unit test.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scim/error.hpp"
#include "scim/filter_binding.hpp"
#include "scim/filter_parser.hpp"
#include "storage/filter_sql.hpp"
#include "tests/fuzz/refusal.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    auto const& registry = scim::SchemaRegistry::builtin();
    try {
        auto const filter = scim::parse_filter(text);
        (void)scim::to_string(filter);
        auto const bound = scim::bind_filter(filter, *registry.resource_type("User"), registry);
        storage::SqlParameters parameters(1);
        (void)storage::filter_sql(bound, storage::users_table(), parameters);
    } catch (scim::Error const& e) {
        client_error_only(e);
    }
    try {  // devices: MAC addresses compared in canonical form
        auto const bound = scim::bind_filter(scim::parse_filter(text), *registry.resource_type("Device"), registry);
        storage::SqlParameters parameters(1);
        (void)storage::filter_sql(bound, storage::devices_table(), parameters);
    } catch (scim::Error const& e) {
        client_error_only(e);
    }
    return 0;
}
