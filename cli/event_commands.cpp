// Change events: scimd events stream create | list | pause | resume | delete, and scimd events key rotate.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command.hpp"
#include "cli/support.hpp"
#include "server/jws.hpp"
#include "server/security_event.hpp"
#include "service/events.hpp"
#include "storage/database.hpp"

namespace cli {
namespace {

std::vector<std::string> split_list(std::string const& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

// The Authorization header a receiver expects, from a file: "Bearer <secret>" unless the file names its own scheme.
std::string authorization_from(std::string const& path) {
    if (path.empty()) return "";
    std::ifstream in(path);
    if (!in) throw UsageError("cannot read --secret-file " + path);
    std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' '))
        secret.pop_back();
    if (secret.empty()) throw UsageError("--secret-file " + path + " is empty");
    return secret.find(' ') == std::string::npos ? "Bearer " + secret : secret;
}

int stream_create(ParsedOptions const& o) {
    service::NewEventStream s;
    s.name = o.positional()[0];
    bool const poll = o.is_set("poll");
    if (poll == !o.get("push").empty()) throw UsageError("give either --push URL or --poll");
    s.push = !poll;
    s.endpoint = o.get("push");
    if (s.push) check_outbound_url(o, s.endpoint, "--push");
    s.authorization = authorization_from(o.get("secret-file"));
    s.event_uris = split_list(o.get("events"));
    s.full_data = o.is_set("full");
    s.retry_hours = static_cast<int>(o.get_number("retry-hours", 1, 720));
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        service::create_event_stream(tx, caller, s, server::published_event_uris());
        std::cerr << "scimd: tenant " << tenant.name << " has event stream \"" << s.name
                  << "\": " << (s.push ? "push to " + s.endpoint : std::string("poll at /Events/") + s.name) << "\n";
        return 0;
    });
}

int stream_list(ParsedOptions const& o) {
    return reading_tenant(o, [](pqxx::transaction_base& tx, storage::Tenant const& tenant) {
        for (auto const& s : storage::EventRepository(tx).list_streams(tenant.id)) {
            std::cout << s.name << "\t" << s.delivery << "\t" << (s.delivery == "push" ? s.endpoint : "-") << "\t"
                      << s.state << "\t" << s.pending << " waiting";
            if (s.pending > 0) std::cout << ", oldest " << static_cast<long>(s.oldest_pending_seconds) << " s";
            if (!s.last_error.empty())
                std::cout << "\t" << s.attempts << " failed attempts, last: " << s.last_error << ", next "
                          << s.next_attempt_at;
            std::cout << "\n";
        }
        return 0;
    });
}

template <class Change>
int change_stream(ParsedOptions const& o, std::string const& done, Change const& change) {
    auto const& name = o.positional()[0];
    return with_tenant(o, [&](pqxx::work& tx, storage::Tenant const& tenant, service::Caller const& caller) {
        change(tx, caller, name);
        std::cerr << "scimd: " << done << " event stream \"" << name << "\" of tenant " << tenant.name << "\n";
        return 0;
    });
}

int stream_pause(ParsedOptions const& o) {
    return change_stream(o, "paused", [](auto& tx, auto const& caller, auto const& name) {
        service::set_event_stream_state(tx, caller, name, "paused");
    });
}

int stream_resume(ParsedOptions const& o) {
    return change_stream(o, "resumed", [](auto& tx, auto const& caller, auto const& name) {
        service::set_event_stream_state(tx, caller, name, "active");
    });
}

int stream_delete(ParsedOptions const& o) {
    return change_stream(o, "deleted", [](auto& tx, auto const& caller, auto const& name) {
        service::delete_event_stream(tx, caller, name);
    });
}

int key_rotate(ParsedOptions const& o) {
    auto const& algorithm = o.get("algorithm");
    if (algorithm != "ES256" && algorithm != "RS256") throw UsageError("--algorithm must be ES256 or RS256");
    auto const key = server::generate_signing_key(algorithm);
    auto connection = storage::connect(o.get("database-url"));
    pqxx::work tx(*connection);
    storage::EventRepository(tx).add_signing_key(key);
    tx.commit();
    std::cerr << "scimd: SETs are now signed with " << algorithm << " key " << key.kid
              << "; earlier keys stay in the JWKS (/.well-known/jwks.json) for receivers to verify what they hold\n";
    std::cout << key.kid << "\n";
    return 0;
}

CommandSpec stream_command(std::string const& verb, std::string const& summary) {
    return {"events stream " + verb, "NAME", summary, {tenant_option(), database_url_option()}, 1};
}

}  // namespace

std::vector<Command> event_commands() {
    return {
        {"Change events",
         {"events stream create", "NAME",
          "Sends the tenant's changes as RFC 9967 Security Event Tokens: pushed to a receiver (RFC 8935) or polled by "
          "it at /Events/NAME (RFC 8936).",
          with_egress_options(
              {tenant_option(),
               {"push", "URL", "the receiver's URL: SETs are POSTed there", ""},
               {"poll", "", "the receiver polls POST /Events/NAME instead", ""},
               {"secret-file", "FILE",
                "the Authorization header the receiver expects (a bare secret is sent as Bearer)", ""},
               {"events", "URI,...", "only these event URIs (default: all)", ""},
               {"full", "", "create, put and patch events carry the resource (:full) instead of attribute names", ""},
               {"retry-hours", "N", "how long a receiver may fail before the stream is marked failing", "72"},
               database_url_option()}),
          1},
         stream_create},
        {"Change events",
         {"events stream list",
          "",
          "Lists the tenant's event streams, their state and what waits in them.",
          {tenant_option(), database_url_option()},
          0},
         stream_list},
        {"Change events", stream_command("pause", "Stops delivering a stream; its events wait."), stream_pause},
        {"Change events", stream_command("resume", "Delivers a paused or failing stream again, at once."),
         stream_resume},
        {"Change events", stream_command("delete", "Deletes a stream and the events waiting in it."), stream_delete},
        {"Change events",
         {"events key rotate",
          "",
          "Makes a new key sign the SETs from now on; the old ones stay published for verification.",
          {{"algorithm", "ES256|RS256", "the signature algorithm of the new key", "ES256"}, database_url_option()},
          0},
         key_rotate},
    };
}

}  // namespace cli
