// libFuzzer target: any body must be read as a user, a group and a site (in both unknown-attribute modes, and as
// a replace of a stored resource) or be refused with scim::Error. Anything else is a bug; its input becomes a
// unit test.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json/parse.hpp>

#include "scim/error.hpp"
#include "scim/resource.hpp"
#include "tests/fuzz/refusal.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    static auto const stored = boost::json::parse(R"({"userName":"u","displayName":"d","name":"Main","siteCode":"1",
        "urn:ietf:params:scim:schemas:extension:8x8:1.1:User":{"site":"Main","licenses":["X4"]}})")
                                   .as_object();
    auto const& registry = scim::SchemaRegistry::builtin();
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    boost::json::object body;
    try {
        body = scim::parse_json_object(text);
    } catch (scim::Error const& e) {
        client_error_only(e);
        return 0;
    }
    for (auto const* type : {"User", "Group", "Site"}) {
        for (auto const unknown : {scim::UnknownAttributes::ignore, scim::UnknownAttributes::reject}) {
            try {
                auto const input =
                    scim::read_resource(body, *registry.resource_type(type), registry, {unknown, 50, 50});
                (void)scim::merge_for_replace(stored, input.attributes, *registry.resource_type(type), registry);
            } catch (scim::Error const& e) {
                client_error_only(e);
            }
        }
    }
    return 0;
}
