// libFuzzer target: any request body must either patch a user (and the result validate) or be refused with
// scim::Error. Anything else is a bug; its input becomes a unit test.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "scim/error.hpp"
#include "scim/patch.hpp"
#include "scim/resource.hpp"
#include "tests/fuzz/refusal.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    static auto const stored = boost::json::parse(R"({"userName":"u","title":"t","name":{"givenName":"G"},
        "emails":[{"value":"a@x.com","type":"work","primary":true},{"value":"b@x.com","type":"home"}],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","manager":{"value":"m"}}})")
                                   .as_object();
    auto const& registry = scim::SchemaRegistry::builtin();
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    try {
        auto const request = scim::parse_patch_request(scim::parse_json_object(text));
        (void)scim::patch_password(request);
        (void)scim::apply_patch(stored, request, *registry.resource_type("User"), registry);
    } catch (scim::Error const& e) {
        client_error_only(e);
    }
    return 0;
}
