// The conformance rules, each a few requests and a judgement.
#include "server/conformance.hpp"

#include <algorithm>
#include <chrono>
#include <functional>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include "server/http_client.hpp"

namespace server {
namespace {

namespace net = boost::asio;
namespace json = boost::json;
using verb = boost::beast::http::verb;

// The identity-provider behaviour each deviation of the tolerant profile serves (docs/conformance.md).
constexpr char const* entra_extensions =
    "Microsoft Entra ID sends attributes and extension schemas of its own (e.g. urn:...:CustomExtensionName:2.0:User)";
constexpr char const* pathless_patch = "Okta and Microsoft Entra ID send PATCH operations without a path";
constexpr char const* keep_on_delete =
    "the phone system keeps people on DELETE until a purge (scimd tenant set --delete-mode deactivate)";
constexpr char const* passwords = "Okta pushes passwords to applications that accept them";
constexpr char const* declaration = "a tolerant tenant does not claim what it does not do";

struct Answer {
    int status = 0;
    json::value body;  // null unless the answer was JSON
    std::string text;
    std::map<std::string, std::string> headers;
    std::string error;  // when there was no answer

    std::string detail() const {
        if (status == 0) return "no answer: " + error;
        auto out = "HTTP " + std::to_string(status);
        if (body.is_object())
            if (auto const* d = body.as_object().if_contains("detail"); d && d->is_string())
                out += " (" + std::string(d->get_string()).substr(0, 120) + ")";
        return out;
    }
    std::string scim_type() const {
        if (!body.is_object()) return {};
        auto const* t = body.as_object().if_contains("scimType");
        return t && t->is_string() ? std::string(t->get_string()) : std::string();
    }
    std::string id() const {
        if (!body.is_object()) return {};
        auto const* t = body.as_object().if_contains("id");
        return t && t->is_string() ? std::string(t->get_string()) : std::string();
    }
    std::int64_t total() const {
        if (!body.is_object()) return -1;
        auto const* t = body.as_object().if_contains("totalResults");
        return t && t->is_int64() ? t->as_int64() : -1;
    }
};

json::value const* at_path(json::value const& v, std::initializer_list<std::string_view> keys) {
    json::value const* at = &v;
    for (auto key : keys) {
        if (!at->is_object()) return nullptr;
        at = at->as_object().if_contains(key);
        if (!at) return nullptr;
    }
    return at;
}

std::string const user_schema = "urn:ietf:params:scim:schemas:core:2.0:User";
std::string const group_schema = "urn:ietf:params:scim:schemas:core:2.0:Group";
std::string const patch_schema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

std::string patch_body(std::string const& operations) {
    return R"({"schemas":[")" + patch_schema + R"("],"Operations":)" + operations + "}";
}

class Runner {
public:
    Runner(net::io_context& ioc, ConformanceTarget const& target, ConformanceReport& report)
        : ioc_(ioc), target_(target), report_(report), tls_(net::ssl::context::tls_client) {
        tls_.set_default_verify_paths();
        if (!target.ca_file.empty()) tls_.load_verify_file(target.ca_file);
        tls_.set_verify_mode(target.verify_tls ? net::ssl::verify_peer : net::ssl::verify_none);
        endpoint_ = parse_endpoint(target.base_url).value_or(HttpEndpoint{});
        prefix_ = endpoint_.target == "/" ? "" : endpoint_.target;
        while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
        client_.emplace(ioc_.get_executor(), tls_, endpoint_, std::chrono::seconds(30), open_egress_);
    }

    net::awaitable<void> run();

private:
    // A request to the SCIM base (`path` starting with "/Users"...) or, with `origin`, to the server's root.
    net::awaitable<Answer> call(verb method, std::string const& path, std::string const& body = {},
                                std::string const& token = {}, bool origin = false) {
        // Plain locals: GCC 12 miscompiles conditional expressions inside a co_await.
        std::string const target = origin ? path : prefix_ + path;
        std::string const content_type = body.empty() ? std::string() : std::string("application/scim+json");
        std::string const authorization = "Bearer " + (token.empty() ? target_.token : token);
        auto result = co_await client_->request_to(method, target, body, content_type, authorization);
        Answer a;
        a.status = result.status;
        a.text = std::move(result.body);
        a.headers = std::move(result.headers);
        a.error = result.error;
        boost::system::error_code ec;
        auto parsed = json::parse(a.text, ec);
        if (!ec) a.body = std::move(parsed);
        co_return a;
    }

    void record(std::string id, std::string level, std::string section, std::string rule, bool passed,
                std::string evidence, std::string deviation = {}) {
        report_.rules.push_back({std::move(id), std::move(level), std::move(section), std::move(rule), passed,
                                 std::move(evidence), std::move(deviation)});
    }

    std::string name(std::string const& what) const { return "conformance-" + target_.run_id + "-" + what; }

    net::awaitable<std::string> create_user(std::string const& what, std::string const& extra = {}) {
        auto const a = co_await call(
            verb::post, "/Users",
            R"({"schemas":[")" + user_schema + R"("],"userName":")" + name(what) + R"(@example.com")" + extra + "}");
        if (a.status == 201) report_.users_created.push_back(a.id());
        co_return a.status == 201 ? a.id() : std::string();
    }

    // Whether each (label, filter) finds exactly one resource at `list` + filter, and what each found.
    net::awaitable<std::pair<bool, std::string>> each_finds_one(
        std::string const& list, std::vector<std::pair<std::string, std::string>> const& filters) {
        std::string seen;
        bool all = true;
        for (auto const& [label, filter] : filters) {
            auto const r = co_await call(verb::get, list + filter);
            all = all && r.status == 200 && r.total() == 1;
            seen += (seen.empty() ? "" : "; ") + label + " -> " + std::to_string(r.total());
        }
        co_return std::pair{all, seen};
    }

    net::awaitable<void> interop();
    net::awaitable<void> ipsie_al1();
    net::awaitable<void> ipsie_al2();
    net::awaitable<void> rate_limited();

    net::io_context& ioc_;
    ConformanceTarget const& target_;
    ConformanceReport& report_;
    net::ssl::context tls_;
    EgressPolicy const open_egress_{true, ""};  // the operator's own server, wherever it is
    HttpEndpoint endpoint_;
    std::string prefix_;
    std::optional<HttpClient> client_;
};

net::awaitable<void> Runner::run() {
    co_await interop();
    co_await ipsie_al1();
    co_await ipsie_al2();
    // Leave nothing behind that the server lets the test delete.
    for (auto const& id : report_.groups_created) co_await call(verb::delete_, "/Groups/" + id);
    for (auto const& id : report_.users_created)
        if (!id.empty()) co_await call(verb::delete_, "/Users/" + id);
    co_await rate_limited();  // last: it leaves this source limited for a while
}

net::awaitable<void> Runner::interop() {
    std::string const level = "interop";
    std::string const draft = "draft-zollner-scim-interop-profile-02";

    auto const spc = co_await call(verb::get, "/ServiceProviderConfig");
    auto const* declared = at_path(spc.body, {"interopProfileConformant"});
    record("interop-1", level, draft + ", conformance", "ServiceProviderConfig declares interopProfileConformant: true",
           declared && declared->is_bool() && declared->as_bool(),
           declared ? "interopProfileConformant: " + json::serialize(*declared) : spc.detail(), declaration);

    auto const unknown = co_await call(verb::post, "/Users",
                                       R"({"schemas":[")" + user_schema + R"("],"userName":")" + name("undefined") +
                                           R"(@example.com","favouriteColour":"teal"})");
    if (unknown.status == 201) report_.users_created.push_back(unknown.id());
    record("interop-2", level, draft + ", undefined attributes",
           "an undefined attribute is rejected with 400 invalidSyntax",
           unknown.status == 400 && unknown.scim_type() == "invalidSyntax",
           unknown.detail() + (unknown.headers.count("scim-ignored-attributes")
                                   ? ", ignored: " + unknown.headers.at("scim-ignored-attributes")
                                   : ""),
           entra_extensions);

    std::string const extension = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";
    auto const undefined_schema =
        co_await call(verb::post, "/Users",
                      R"({"schemas":[")" + user_schema + R"(",")" + extension + R"("],"userName":")" + name("schema") +
                          R"(@example.com",")" + extension + R"(":{"costCenter":"7"}})");
    if (undefined_schema.status == 201) report_.users_created.push_back(undefined_schema.id());
    record("interop-3", level, draft + ", undefined schemas", "an undefined schema URI is rejected with 400",
           undefined_schema.status == 400 && undefined_schema.scim_type() == "invalidSyntax", undefined_schema.detail(),
           entra_extensions);

    auto const subject = co_await create_user("patch");
    auto const pathless = co_await call(verb::patch, "/Users/" + subject,
                                        patch_body(R"([{"op":"replace","value":{"title":"Engineer"}}])"));
    record("interop-4", level, draft + ", PATCH", "a PATCH operation without a path is rejected with 400",
           pathless.status == 400, pathless.detail(), pathless_patch);

    auto const doomed = co_await create_user("delete");
    auto const deleted = co_await call(verb::delete_, "/Users/" + doomed);
    auto const after = co_await call(verb::get, "/Users/" + doomed);
    auto const again =
        co_await call(verb::post, "/Users",
                      R"({"schemas":[")" + user_schema + R"("],"userName":")" + name("delete") + R"(@example.com"})");
    if (again.status == 201) report_.users_created.push_back(again.id());
    record("interop-5", level, draft + ", DELETE",
           "DELETE deletes: afterwards 404, and the userName can be used again (not a deactivation)",
           deleted.status == 204 && after.status == 404 && again.status == 201,
           "DELETE " + deleted.detail() + ", then GET " + after.detail() + ", create again " + again.detail(),
           keep_on_delete);

    auto const types = co_await call(verb::get, "/ResourceTypes");
    bool ids_are_names = types.status == 200;
    std::string names;
    if (auto const* list = at_path(types.body, {"Resources"}); list && list->is_array())
        for (auto const& t : list->as_array()) {
            auto const* id = at_path(t, {"id"});
            auto const* n = at_path(t, {"name"});
            ids_are_names = ids_are_names && id && n && *id == *n;
            if (n && n->is_string()) names += (names.empty() ? "" : ", ") + std::string(n->as_string());
        }
    record("interop-6", level, draft + ", ResourceType", "every ResourceType's id equals its name", ids_are_names,
           names.empty() ? types.detail() : names);

    auto const schemas = co_await call(verb::get, "/Schemas");
    std::string missing;
    std::size_t typed = 0;
    if (auto const* list = at_path(schemas.body, {"Resources"}); list && list->is_array())
        for (auto const& schema : list->as_array()) {
            std::function<void(json::value const&, std::string const&)> walk = [&](json::value const& attrs,
                                                                                   std::string const& path) {
                if (!attrs.is_array()) return;
                for (auto const& attr : attrs.as_array()) {
                    auto const* n = at_path(attr, {"name"});
                    if (!n || !n->is_string()) continue;
                    auto const here = path + std::string(n->as_string());
                    if (n->as_string() == "type" && !path.empty()) {
                        ++typed;
                        if (!at_path(attr, {"canonicalValues"})) missing += (missing.empty() ? "" : ", ") + here;
                    }
                    if (auto const* subs = at_path(attr, {"subAttributes"})) walk(*subs, here + ".");
                }
            };
            if (auto const* attrs = at_path(schema, {"attributes"})) walk(*attrs, "");
        }
    record("interop-7", level, draft + ", schema", "every \"type\" sub-attribute has canonicalValues",
           schemas.status == 200 && typed > 0 && missing.empty(),
           missing.empty() ? std::to_string(typed) + " type sub-attributes, all with canonicalValues"
                           : "without: " + missing);

    auto const page = co_await call(verb::get, "/Users?count=100000&attributes=id");
    auto const default_page = co_await call(verb::get, "/Users?attributes=id");
    auto const* per_page = at_path(page.body, {"itemsPerPage"});
    auto const* size = at_path(spc.body, {"pagination", "defaultPageSize"});
    bool const count_ok =
        page.status == 200 && default_page.status == 200 && size && size->is_int64() && size->as_int64() >= 100;
    record("interop-8", level, draft + ", paging",
           "count defaults to at least 100, is accepted up to at least 100, and a larger one is capped silently",
           count_ok,
           "count=100000 -> " + page.detail() +
               (per_page ? " with itemsPerPage " + json::serialize(*per_page) : std::string()) + "; defaultPageSize " +
               (size ? json::serialize(*size) : std::string("missing")));

    // TLS 1.3: a connection that offers nothing older.
    if (endpoint_.https) {
        net::ssl::context only13(net::ssl::context::tls_client);
        SSL_CTX_set_min_proto_version(only13.native_handle(), TLS1_3_VERSION);
        only13.set_default_verify_paths();
        if (!target_.ca_file.empty()) only13.load_verify_file(target_.ca_file);
        only13.set_verify_mode(target_.verify_tls ? net::ssl::verify_peer : net::ssl::verify_none);
        HttpClient probe(ioc_.get_executor(), only13, endpoint_, std::chrono::seconds(10), open_egress_);
        auto const r =
            co_await probe.request_to(verb::get, prefix_ + "/ServiceProviderConfig", {}, {}, "Bearer " + target_.token);
        record("interop-9", level, draft + ", transport", "TLS 1.3 is offered",
               r.status == 200 && probe.tls_version() == "TLSv1.3",
               r.status == 200 ? "negotiated " + probe.tls_version() : "no TLS 1.3 session: " + r.error);
    } else {
        record("interop-9", level, draft + ", transport", "TLS 1.3 is offered", false,
               "the URL is not https: give the server's HTTPS address");
    }
}

net::awaitable<void> Runner::ipsie_al1() {
    std::string const level = "IPSIE AL1";
    std::string const draft = "OpenID IPSIE AL SCIM profile, draft 00, AL1";

    auto const metadata = co_await call(verb::get, "/.well-known/oauth-authorization-server", {}, {}, true);
    auto const* methods = at_path(metadata.body, {"token_endpoint_auth_methods_supported"});
    auto const* scopes = at_path(metadata.body, {"scopes_supported"});
    auto const has = [](json::value const* list, std::string_view value) {
        if (!list || !list->is_array()) return false;
        auto const& a = list->as_array();
        return std::find(a.begin(), a.end(), json::value(value)) != a.end();
    };
    record("ipsie-al1-1", level, draft + ", authorization",
           "OAuth client credentials with RFC 7523 client authentication, RFC 8414 metadata, and the scope \"scim\"",
           metadata.status == 200 && at_path(metadata.body, {"token_endpoint"}) && has(methods, "private_key_jwt") &&
               has(scopes, "scim"),
           metadata.status == 200 ? "token_endpoint_auth_methods_supported " +
                                        (methods ? json::serialize(*methods) : std::string("missing")) +
                                        ", scopes_supported " + (scopes ? json::serialize(*scopes) : std::string("-"))
                                  : metadata.detail());

    auto const bulk_spc = co_await call(verb::get, "/ServiceProviderConfig");
    auto const bulk = co_await call(
        verb::post, "/Bulk",
        R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST",)"
        R"("path":"/Users","bulkId":"b1","data":{"schemas":[")" +
            user_schema + R"("],"userName":")" + name("bulk") + R"(@example.com"}}]})");
    bool bulk_ok = bulk.status == 200;
    if (auto const* ops = at_path(bulk.body, {"Operations"}); ops && ops->is_array() && !ops->as_array().empty()) {
        auto const* location = at_path(ops->as_array()[0], {"location"});
        if (location && location->is_string()) {
            auto const text = std::string(location->as_string());
            report_.users_created.push_back(text.substr(text.rfind('/') + 1));
        }
        auto const* status = at_path(ops->as_array()[0], {"status"});
        bulk_ok = bulk_ok && status && *status == "201";
    }
    auto const* bulk_supported = at_path(bulk_spc.body, {"bulk", "supported"});
    record("ipsie-al1-2", level, draft + ", bulk", "/Bulk is supported and carries out its operations",
           bulk_ok && bulk_supported && *bulk_supported == true, "POST /Bulk " + bulk.detail());

    auto const person =
        co_await create_user("al1", R"(,"externalId":")" + name("al1-ext") + R"(","emails":[{"value":")" + name("al1") +
                                        R"(@example.com","type":"work","primary":true}])");
    auto const multi = co_await call(verb::patch, "/Users/" + person,
                                     patch_body(R"([{"op":"replace","path":"title","value":"Chef"},)"
                                                R"({"op":"replace","path":"displayName","value":"A Chef"}])"));
    auto const* title = at_path(multi.body, {"title"});
    record("ipsie-al1-3", level, draft + ", PATCH", "one PATCH changes several attributes",
           multi.status == 200 && title && *title == "Chef" && at_path(multi.body, {"displayName"}), multi.detail());

    auto const off = co_await call(verb::patch, "/Users/" + person,
                                   patch_body(R"([{"op":"replace","path":"active","value":false}])"));
    auto const on = co_await call(verb::patch, "/Users/" + person,
                                  patch_body(R"([{"op":"replace","path":"active","value":true}])"));
    auto const* off_value = at_path(off.body, {"active"});
    auto const* on_value = at_path(on.body, {"active"});
    record("ipsie-al1-4", level, draft + ", deprovisioning", "active false, then true, by PATCH",
           off.status == 200 && on.status == 200 && off_value && *off_value == false && on_value && *on_value == true,
           "false: " + off.detail() + ", true: " + on.detail());

    std::vector<std::pair<std::string, std::string>> const filters{
        {"userName eq", "userName%20eq%20%22" + name("al1") + "%40example.com%22"},
        {"externalId eq", "externalId%20eq%20%22" + name("al1-ext") + "%22"},
        {"emails[value eq]", "emails%5Bvalue%20eq%20%22" + name("al1") + "%40example.com%22%5D"},
        {"emails[type eq \"work\" and value eq]",
         "emails%5Btype%20eq%20%22work%22%20and%20value%20eq%20%22" + name("al1") + "%40example.com%22%5D"}};
    auto const [all_found, seen] = co_await each_finds_one("/Users?filter=", filters);
    record("ipsie-al1-5", level, draft + ", filters",
           "userName eq, externalId eq, emails[value eq] and emails[type eq \"work\" and value eq] each find the user",
           all_found, seen);

    auto const audit =
        co_await call(verb::get, "/AuditEvents?filter=resourceId%20eq%20%22" + person + "%22", {}, target_.audit_token);
    record(
        "ipsie-al1-6", level, draft + ", audit", "every write is in the audit log (/AuditEvents)",
        audit.status == 200 && audit.total() >= 4,
        audit.status == 200 ? std::to_string(audit.total()) + " records of the test user's 4 writes" : audit.detail());

    // 25 requests a second: thirty as fast as one connection goes, none refused.
    auto const started = std::chrono::steady_clock::now();
    int refused = 0;
    for (int i = 0; i < 30; ++i)
        if ((co_await call(verb::get, "/Users/" + person + "?attributes=id")).status == 429) ++refused;
    auto const took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    record("ipsie-al1-7", level, draft + ", throughput", "at least 25 SCIM requests a second for a tenant",
           refused == 0 && took > 0 && 30 / took >= 25,
           std::to_string(30 - refused) + " of 30 answered in " + std::to_string(took).substr(0, 5) + " s");
}

net::awaitable<void> Runner::rate_limited() {
    std::string const level = "IPSIE AL1";
    std::string const draft = "OpenID IPSIE AL SCIM profile, draft 00, AL1";
    // 429 with Retry-After: the token endpoint, with a client that does not exist, until the source is limited.
    Answer limited;
    for (int i = 0; i < 60 && limited.status != 429; ++i) {
        auto r = co_await client_->request_to(
            verb::post, "/oauth2/token",
            "grant_type=client_credentials&client_id=conformance-" + target_.run_id + "&client_secret=wrong",
            "application/x-www-form-urlencoded", {});
        limited.status = r.status;
        limited.headers = std::move(r.headers);
        limited.error = r.error;
    }
    record("ipsie-al1-8", level, draft + ", rate limits", "429 with Retry-After when a limit is reached",
           limited.status == 429 && limited.headers.count("retry-after"),
           limited.status == 429 ? "429, Retry-After: " + limited.headers["retry-after"] : limited.detail());
}

net::awaitable<void> Runner::ipsie_al2() {
    std::string const level = "IPSIE AL2";
    std::string const draft = "OpenID IPSIE AL SCIM profile, draft 00, AL2";

    auto const schema = co_await call(verb::get, "/Schemas/" + user_schema);
    std::string have;
    bool has_all = schema.status == 200, has_password = false;
    std::vector<std::string> names;
    if (auto const* attrs = at_path(schema.body, {"attributes"}); attrs && attrs->is_array())
        for (auto const& a : attrs->as_array())
            if (auto const* n = at_path(a, {"name"}); n && n->is_string()) names.emplace_back(n->as_string());
    for (auto const* wanted : {"userName", "displayName", "active", "externalId"}) {
        bool const found = std::find(names.begin(), names.end(), wanted) != names.end() ||
                           std::string(wanted) == "externalId";  // common to every resource (RFC 7643 §3.1)
        has_all = has_all && found;
        have += (have.empty() ? "" : ", ") + std::string(wanted) + (found ? "" : " missing");
    }
    has_password = std::find(names.begin(), names.end(), "password") != names.end();
    record("ipsie-al2-1", level, draft + ", users", "users have userName, displayName, active and externalId", has_all,
           have);

    auto const with_password = co_await call(verb::post, "/Users",
                                             R"({"schemas":[")" + user_schema + R"("],"userName":")" +
                                                 name("password") + R"(@example.com","password":"Conformance-1x"})");
    if (with_password.status == 201) report_.users_created.push_back(with_password.id());
    record("ipsie-al2-2", level, draft + ", users",
           "the password attribute is not supported: absent from /Schemas, refused if sent",
           !has_password && with_password.status == 400,
           std::string(has_password ? "password in /Schemas" : "no password in /Schemas") +
               ", create with one: " + with_password.detail(),
           passwords);

    auto const spc = co_await call(verb::get, "/ServiceProviderConfig");
    auto const* max_results = at_path(spc.body, {"filter", "maxResults"});
    auto const* cursor = at_path(spc.body, {"pagination", "cursor"});
    auto const thousand = co_await call(verb::get, "/Users?count=1000&attributes=id");
    auto const cursors = co_await call(verb::get, "/Users?cursor&count=2&attributes=id");
    record("ipsie-al2-3", level, draft + ", paging", "pages of up to 1,000, and cursor paging",
           max_results && max_results->is_int64() && max_results->as_int64() >= 1000 && thousand.status == 200 &&
               cursor && *cursor == true && cursors.status == 200,
           "maxResults " + (max_results ? json::serialize(*max_results) : std::string("missing")) + ", count=1000 " +
               thousand.detail() + ", cursor " + cursors.detail());

    auto const group = co_await call(verb::post, "/Groups",
                                     R"({"schemas":[")" + group_schema + R"("],"displayName":")" + name("group") +
                                         R"(","externalId":")" + name("group-ext") + R"("})");
    auto const gid = group.id();
    if (group.status == 201) report_.groups_created.push_back(gid);
    record("ipsie-al2-4", level, draft + ", groups", "a group with displayName and externalId, created without members",
           group.status == 201 && at_path(group.body, {"externalId"}), group.detail());

    std::vector<std::string> members;
    for (int i = 0; i < 50; ++i) members.push_back(co_await create_user("member-" + std::to_string(i)));
    std::string add, remove;
    for (auto const& m : members) {
        add +=
            std::string(add.empty() ? "" : ",") + R"({"op":"add","path":"members","value":[{"value":")" + m + R"("}]})";
        remove +=
            std::string(remove.empty() ? "" : ",") + R"({"op":"remove","path":"members[value eq \")" + m + R"(\"]"})";
    }
    auto const added = co_await call(verb::patch, "/Groups/" + gid + "?attributes=", patch_body("[" + add + "]"));
    auto const read = co_await call(verb::get, "/Groups/" + gid + "?attributes=members");
    auto const* listed = at_path(read.body, {"members"});
    auto const count = listed && listed->is_array() ? listed->as_array().size() : 0;

    std::vector<std::pair<std::string, std::string>> const filters{
        {"displayName eq", "displayName%20eq%20%22" + name("group") + "%22"},
        {"externalId eq", "externalId%20eq%20%22" + name("group-ext") + "%22"},
        {"members[value eq]", "members%5Bvalue%20eq%20%22" + (members.empty() ? "" : members[0]) + "%22%5D"}};
    auto const [all_found, seen] = co_await each_finds_one("/Groups?excludedAttributes=members&filter=", filters);
    record("ipsie-al2-5", level, draft + ", groups",
           "displayName eq, externalId eq and members[value eq] find the group", all_found, seen);

    auto const removed = co_await call(verb::patch, "/Groups/" + gid + "?attributes=", patch_body("[" + remove + "]"));
    auto const emptied = co_await call(verb::get, "/Groups/" + gid);
    record("ipsie-al2-6", level, draft + ", groups", "50 member additions, then 50 removals, each in one PATCH",
           (added.status == 200 || added.status == 204) && count == 50 &&
               (removed.status == 200 || removed.status == 204) && emptied.status == 200 &&
               !at_path(emptied.body, {"members"}),
           "add: " + added.detail() + " (" + std::to_string(count) + " members), remove: " + removed.detail());
}

}  // namespace

ConformanceReport run_conformance(ConformanceTarget const& target) {
    ConformanceReport report;
    if (!parse_endpoint(target.base_url)) {
        report.rules.push_back({"setup",
                                "-",
                                "-",
                                "the URL is an http or https URL",
                                false,
                                "\"" + target.base_url + "\" is not one",
                                {}});
        return report;
    }
    net::io_context ioc;
    Runner runner(ioc, target, report);
    std::exception_ptr failure;
    net::co_spawn(ioc, runner.run(), [&](std::exception_ptr e) { failure = e; });
    ioc.run();
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (std::exception const& e) {
            report.rules.push_back({"run", "-", "-", "the run completes", false, e.what(), {}});
        }
    }
    return report;
}

}  // namespace server
