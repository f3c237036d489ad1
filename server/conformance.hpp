// The conformance self-test: the rules of the SCIM interoperability profile (draft-zollner-scim-interop-profile-02)
// and of the OpenID IPSIE SCIM profile (levels AL1 and AL2), checked against a running scimd over HTTPS as a client
// would, with tokens the caller issued. It creates its own users and groups (named conformance-<run>-...) and
// deletes them. `scimd conformance` runs it and prints one line per rule.
#pragma once

#include <string>
#include <vector>

namespace server {

struct ConformanceTarget {
    std::string base_url;     // the SCIM base, e.g. https://scim.example.com/scim/v2
    std::string token;        // a write token of the tenant
    std::string audit_token;  // an audit token of the tenant (for /AuditEvents)
    std::string ca_file;      // extra CAs to verify the server with; empty: the system's
    bool verify_tls = true;   // false: accept any certificate (a development server's self-signed one)
    std::string run_id;       // names what the test creates
};

struct RuleResult {
    std::string id;       // "interop-1"
    std::string level;    // "interop", "IPSIE AL1", "IPSIE AL2"
    std::string section;  // where the profile says it
    std::string rule;     // what it says, in a line
    bool passed = false;
    std::string evidence;  // what was seen
    // For a rule the tolerant profile breaks on purpose: the identity-provider behaviour it serves; empty otherwise.
    std::string tolerant_deviation;
};

struct ConformanceReport {
    std::vector<RuleResult> rules;
    // What the run created; it DELETEs them at the end, which in a tenant whose DELETE deactivates leaves the users
    // for the caller to purge.
    std::vector<std::string> users_created;
    std::vector<std::string> groups_created;
};

/// Runs every rule against `target` and returns their results; a rule whose request fails to connect fails with
/// that as its evidence.
ConformanceReport run_conformance(ConformanceTarget const& target);

}  // namespace server
