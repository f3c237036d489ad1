// What the client-compatibility tests share: query encoding, PatchOp bodies and reading list responses.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "tests/e2e/e2e_fixture.hpp"

namespace clients {

/// A query parameter value percent-encoded as the identity providers send it.
inline std::string encode(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

/// A PatchOp body around `operations` (a JSON array).
inline std::string patch_op(std::string_view operations) {
    return std::string(R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)") +
           std::string(operations) + "}";
}

/// PATCH with tenant acme's write token, as application/scim+json (Entra) or application/json (Okta).
inline HttpResult patch(E2E& e, std::string const& path, std::string_view operations,
                        std::string const& content_type = "application/scim+json") {
    return e.call("PATCH", path, patch_op(operations), e.acme.write_token, {{"Content-Type", content_type}});
}

/// The ids of a ListResponse's Resources, in order.
inline std::vector<std::string> ids_of(HttpResult const& r) {
    std::vector<std::string> out;
    auto const body = r.json();
    if (auto const* resources = body.as_object().if_contains("Resources"))
        for (auto const& resource : resources->as_array()) out.emplace_back(resource.at("id").as_string());
    return out;
}

inline constexpr char const* enterprise_urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr char const* directory_urn = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";

inline std::vector<std::string> sorted(std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
}

/// The member ids of a group, read back with GET, sorted.
inline std::vector<std::string> member_ids(E2E& e, std::string const& group) {
    std::vector<std::string> out;
    auto const body = e.get("/scim/v2/Groups/" + group).json();
    if (auto const* members = body.as_object().if_contains("members"))
        for (auto const& m : members->as_array()) out.emplace_back(m.at("value").as_string());
    return sorted(std::move(out));
}

/// A string member of a JSON object, or "" when absent.
inline std::string text(boost::json::value const& v, std::string_view key) {
    auto const* member = v.as_object().if_contains(key);
    return member && member->is_string() ? std::string(member->as_string()) : std::string();
}

}  // namespace clients
