// libFuzzer target: any attributes / excludedAttributes text must give a selection (value filters bound, names
// resolved) or be refused with scim::Error, and a selection must project a resource.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "scim/error.hpp"
#include "scim/projection.hpp"
#include "scim/render.hpp"
#include "tests/fuzz/refusal.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    static auto const stored = boost::json::parse(R"({"userName":"u","name":{"givenName":"G"},
        "emails":[{"value":"a@x.com","type":"work","primary":true},{"value":"b@x.com","type":"home"}]})")
                                   .as_object();
    auto const& registry = scim::SchemaRegistry::builtin();
    auto const& user = *registry.resource_type("User");
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    auto const half = text.size() / 2;
    try {
        auto const selection = scim::parse_selection(text.substr(0, half), text.substr(half), user, registry);
        (void)scim::stored_members(selection, user, registry);
        (void)scim::render_resource(user, registry, stored, {"id", "t", "t", "https://x/Users/id", 1}, selection);
    } catch (scim::Error const& e) {
        client_error_only(e);
    }
    return 0;
}
