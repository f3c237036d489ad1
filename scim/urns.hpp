// The schema and message URNs of RFC 7643/7644 and of the directory extension, defined once.
#pragma once

#include <string_view>

namespace scim::urn {

inline constexpr std::string_view user = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view group = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr std::string_view enterprise_user = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr std::string_view directory_user = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";
inline constexpr std::string_view site = "urn:8x8:scim:schemas:1.1:Site";
inline constexpr std::string_view license = "urn:8x8:scim:schemas:1.1:License";
inline constexpr std::string_view device = "urn:ietf:params:scim:schemas:core:2.0:Device";
inline constexpr std::string_view ethernet_mab_device =
    "urn:ietf:params:scim:schemas:extension:ethernet-mab:2.0:Device";
inline constexpr std::string_view directory_device = "urn:ietf:params:scim:schemas:extension:8x8:1.1:Device";
inline constexpr std::string_view schema = "urn:ietf:params:scim:schemas:core:2.0:Schema";
inline constexpr std::string_view resource_type = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
inline constexpr std::string_view service_provider_config =
    "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
inline constexpr std::string_view list_response = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr std::string_view error = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr std::string_view patch_op = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

}  // namespace scim::urn
