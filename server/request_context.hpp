// One authenticated request as a handler sees it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/app.hpp"
#include "server/http_message.hpp"
#include "service/writes.hpp"
#include "storage/stored_resource.hpp"
#include "storage/token_repository.hpp"

namespace server {

/// The person a user-bound token acts for, as the directory rules need them: reads show only whom the directory shows
/// them (scim::shown_in_directory), and always themselves.
struct DirectoryViewer {
    std::string user_id;
    std::string site;  // empty when they have none
};

struct RequestContext {
    App& app;
    HttpRequest const& request;
    std::string request_id;
    std::chrono::system_clock::time_point now;
    storage::TokenGrant grant;
    std::string base_url;  // absolute URL of the SCIM root the client used, e.g. "https://host/scim/v2"
    std::vector<std::pair<std::string, std::string>> query;  // percent-decoded once
    std::optional<DirectoryViewer> viewer;                   // set for a token bound to a user

    /// The value of a query parameter, matched case-insensitively; empty when absent.
    std::string_view query_param(std::string_view name) const;
    bool has_query_param(std::string_view name) const;

    /// Who writes, for the service layer: the tenant, the token and its label, this request, its clock, the user a
    /// user-bound token acts for, and how bodies are read (the tenant's policy, the server's value limits).
    service::Caller caller() const;
    storage::ChangeContext change() const { return caller().change; }
};

}  // namespace server
