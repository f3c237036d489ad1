// The kinds of resource scimd keeps, named once: routes, change records and error messages use these, not strings.
#pragma once

#include <optional>
#include <string_view>

namespace scim {

enum class ResourceKind { user, group, site, license, number, tenant, token, event_stream, client, trust, device };

/// The resource type's name as SCIM and the change records spell it: "User", "Group", "Site", "License", "Number",
/// "Tenant", "Token", "EventStream", "Client", "Trust", "Device".
constexpr std::string_view to_string(ResourceKind kind) noexcept {
    switch (kind) {
        case ResourceKind::user:
            return "User";
        case ResourceKind::group:
            return "Group";
        case ResourceKind::site:
            return "Site";
        case ResourceKind::license:
            return "License";
        case ResourceKind::number:
            return "Number";
        case ResourceKind::tenant:
            return "Tenant";
        case ResourceKind::token:
            return "Token";
        case ResourceKind::event_stream:
            return "EventStream";
        case ResourceKind::client:
            return "Client";
        case ResourceKind::trust:
            return "Trust";
        case ResourceKind::device:
            return "Device";
    }
    return {};
}

/// The kind named `name` (exact spelling of to_string), or nullopt.
constexpr std::optional<ResourceKind> resource_kind_named(std::string_view name) noexcept {
    for (auto kind : {ResourceKind::user, ResourceKind::group, ResourceKind::site, ResourceKind::license,
                      ResourceKind::number, ResourceKind::tenant, ResourceKind::token, ResourceKind::event_stream,
                      ResourceKind::client, ResourceKind::trust, ResourceKind::device})
        if (to_string(kind) == name) return kind;
    return std::nullopt;
}

}  // namespace scim
