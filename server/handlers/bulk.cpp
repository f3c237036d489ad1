// POST /Bulk (RFC 7644 §3.7). Operations run in dependency order, many to a transaction, each inside its own
// savepoint: a failed operation is rolled back alone and leaves no trace, and a thousand creates cost a handful of
// commits instead of a thousand.
#include "server/handlers/handlers.hpp"

#include <algorithm>
#include <optional>

#include <boost/json/array.hpp>
#include <pqxx/except>
#include <pqxx/transaction>
#include "storage/savepoint.hpp"

#include "scim/bulk.hpp"
#include "scim/error.hpp"
#include "scim/etag.hpp"
#include "scim/text.hpp"
#include "server/crypto.hpp"
#include "server/handlers/request_body.hpp"
#include "server/log.hpp"
#include "server/responses.hpp"
#include "service/writes.hpp"
#include "storage/user_repository.hpp"

namespace server::handlers {
namespace {

namespace json = boost::json;
using service::PasswordHash;

constexpr std::string_view bulk_response_urn = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

// Operations per transaction: a bulk of the default maximum size commits once; larger ones (a raised
// maxOperations) commit along the way, so one request never holds its row locks for very long.
constexpr std::size_t operations_per_transaction = 1000;

// The resource type a bulk path names ("/Users", "/Groups/{id}"), or 404.
scim::ResourceType const& type_of(RequestContext const& ctx, std::string_view path) {
    auto const end = path.find('/', 1);
    auto const endpoint = path.substr(0, end);
    for (std::string_view id : {"User", "Group", "Site", "Device"}) {
        auto const* type = ctx.app.registry.resource_type(id);
        if (type && scim::iequals(type->endpoint, endpoint)) return *type;
    }
    throw scim::Error::not_found("no resource type at \"" + std::string(endpoint) +
                                 "\"; bulk operations work on /Users, /Groups, /Sites and /Devices");
}

std::string id_of(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

// The password an operation on a user sets, to hash before the transaction; errors surface when it runs.
std::optional<std::string> password_of(RequestContext const& ctx, scim::BulkOperation const& op) {
    if (op.error || !op.data.is_object() || !scim::iequals(type_of(ctx, op.path).id, "User")) return std::nullopt;
    auto const& data = op.data.get_object();
    if (op.method == scim::BulkMethod::patch) return scim::patch_password(scim::parse_patch_request(data));
    for (auto const& [key, value] : data)
        if (scim::iequals(key, "password") && value.is_string()) return std::string(value.get_string());
    return std::nullopt;
}

// The entry of an operation that succeeded on the resource `id`, now at `version` (none after a DELETE).
json::object success(RequestContext const& ctx, scim::ResourceType const& type, std::string const& id,
                     std::optional<std::int64_t> version, int status) {
    json::object result;
    result["location"] = resource_location(ctx, type, id);
    if (version) result["version"] = scim::weak_etag(*version);
    result["status"] = std::to_string(status);
    return result;
}

// One operation inside `tx`, references already resolvable through `created`. Throws scim::Error when it fails.
json::object run_operation(pqxx::transaction_base& tx, RequestContext const& ctx, scim::BulkOperation const& op,
                           PasswordHash const& hash, scim::BulkIds const& created, std::optional<std::string>& new_id,
                           scim::IgnoredAttributes& ignored) {
    if (op.error) throw *op.error;
    auto const path = op.method == scim::BulkMethod::post ? op.path : scim::resolve_bulk_path(op.path, created);
    auto const& type = type_of(ctx, path);
    auto const kind = *scim::resource_kind_named(type.id);
    auto const caller = ctx.caller();
    auto data = op.data;
    scim::resolve_bulk_ids(data, created);
    switch (*op.method) {
        case scim::BulkMethod::post: {
            auto const input = read_resource_body(ctx, data.get_object(), type);
            ignored.add_all(input.ignored);
            auto const stored = service::create(tx, caller, kind, input, hash);
            new_id = stored.id;
            return success(ctx, type, stored.id, stored.version, 201);
        }
        case scim::BulkMethod::put: {
            auto const input = read_resource_body(ctx, data.get_object(), type);
            ignored.add_all(input.ignored);
            auto const stored = service::replace(tx, caller, kind, id_of(path), input, hash, op.version);
            return success(ctx, type, stored.id, stored.version, 200);
        }
        case scim::BulkMethod::patch: {
            auto const request = read_patch_body(ctx, data.get_object(), type, ignored);
            auto const stored = service::patch(tx, caller, kind, id_of(path), request, hash, op.version);
            return success(ctx, type, stored.id, stored.version, 200);
        }
        case scim::BulkMethod::del:
            service::remove(tx, caller, kind, id_of(path), op.version);
            return success(ctx, type, id_of(path), std::nullopt, 204);
    }
    throw scim::Error::internal();
}

// The entry of an operation that failed: where it pointed, if known, and the SCIM error.
json::object failure(RequestContext const& ctx, scim::BulkOperation const& op, scim::BulkIds const& created,
                     scim::Error const& e) {
    json::object result;
    if (!op.error && op.method != scim::BulkMethod::post) {
        try {
            auto const path = scim::resolve_bulk_path(op.path, created);
            result["location"] = resource_location(ctx, type_of(ctx, path), id_of(path));
        } catch (scim::Error const&) {
            // the path itself is what failed; no location to report
        }
    }
    result["status"] = std::to_string(e.status());
    result["response"] = e.to_json();
    return result;
}

// The state a run of operations carries from one transaction to the next.
struct Progress {
    scim::BulkIds created;
    std::int64_t errors = 0;
    std::size_t next = 0;                                       // position in the execution order
    bool stopped = false;                                       // failOnErrors reached
    std::vector<std::pair<std::size_t, json::object>> results;  // by request index, of the operations run
    scim::IgnoredAttributes ignored;  // what the operations named that the server does not define
};

// Adds an operation's entry to the response, counting failures against failOnErrors.
void record(Progress& progress, scim::BulkRequest const& request, std::size_t index, json::object result, bool failed) {
    auto const& op = request.operations[index];
    // The response repeats what names the operation: its method and bulkId.
    json::object entry;
    if (op.method) entry["method"] = scim::to_string(*op.method);
    if (!op.bulk_id.empty()) entry["bulkId"] = op.bulk_id;
    for (auto& [key, value] : result) entry[key] = std::move(value);
    progress.results.emplace_back(index, std::move(entry));
    if (!failed) return;
    ++progress.errors;
    if (request.fail_on_errors && progress.errors >= *request.fail_on_errors) progress.stopped = true;
}

// Whether any member name in `value`, at any depth, ends with `suffix` (any case): a cheap, conservative look for
// an attribute however the client spelled its path.
bool names_attribute(json::value const& value, std::string_view suffix) {
    if (value.is_array()) {
        for (auto const& item : value.get_array())
            if (names_attribute(item, suffix)) return true;
        return false;
    }
    if (!value.is_object()) return false;
    for (auto const& [key, item] : value.get_object()) {
        std::string_view const k = key;
        if (k.size() >= suffix.size() && scim::iequals(k.substr(k.size() - suffix.size()), suffix)) return true;
        if (names_attribute(item, suffix)) return true;
    }
    return false;
}

// A user create that can go in with others in one statement: one that makes a contact. A licensed user gets an
// extension allocated, which must see the users created before it.
bool is_contact_create(RequestContext const& ctx, scim::BulkOperation const& op) {
    return !op.error && op.method == scim::BulkMethod::post && type_of(ctx, op.path).id == "User" &&
           !names_attribute(op.data, "licenses");
}

// How many operations from `progress.next` are user creates that can go in as one statement: none references a
// resource created in the same run, and failOnErrors cannot be reached inside it.
std::size_t user_create_run(RequestContext const& ctx, scim::BulkRequest const& request,
                            std::vector<std::size_t> const& order, Progress const& progress, std::size_t end) {
    // At most one error short of failOnErrors, so that no operation of the run can be the one that stops.
    if (request.fail_on_errors) {
        auto const budget = *request.fail_on_errors - progress.errors - 1;
        if (budget < 2) return 0;
        end = std::min(end, progress.next + static_cast<std::size_t>(budget));
    }
    std::size_t n = 0;
    for (auto at = progress.next; at < end; ++at, ++n) {
        auto const& op = request.operations[order[at]];
        bool creates_user = false;
        try {
            creates_user = is_contact_create(ctx, op);
        } catch (scim::Error const&) {
            // an unknown endpoint: not a user create
        }
        if (!creates_user) break;
        for (auto const& ref : op.references)
            if (!progress.created.contains(ref)) return n;
    }
    return n;
}

// `count` user creates from `progress.next`, validated one by one and inserted with one statement.
void create_users_together(pqxx::transaction_base& tx, RequestContext const& ctx, scim::BulkRequest const& request,
                           std::vector<std::size_t> const& order, std::vector<PasswordHash> const& hashes,
                           Progress& progress, std::size_t count) {
    auto const& type = *ctx.app.registry.resource_type("User");
    std::vector<std::pair<json::object, bool>> entries(count);  // by position in the run: entry, failed
    std::vector<storage::UserRepository::NewUser> batch;
    std::vector<std::size_t> batch_position;  // batch entry -> position in the run
    for (std::size_t k = 0; k < count; ++k) {
        auto const index = order[progress.next + k];
        auto const& op = request.operations[index];
        try {
            auto data = op.data;
            scim::resolve_bulk_ids(data, progress.created);
            auto input = read_resource_body(ctx, data.get_object(), type);
            progress.ignored.add_all(input.ignored);
            batch.push_back({std::move(input.attributes), input.password ? hashes[index] : std::nullopt});
            batch_position.push_back(k);
        } catch (scim::Error const& e) {
            entries[k] = {failure(ctx, op, progress.created, e), true};
        }
    }
    auto const stored = service::create_contacts(tx, ctx.caller(), batch);
    for (std::size_t j = 0; j < batch.size(); ++j) {
        auto const k = batch_position[j];
        auto const& op = request.operations[order[progress.next + k]];
        if (stored[j].error) {
            entries[k] = {failure(ctx, op, progress.created, *stored[j].error), true};
            continue;
        }
        entries[k] = {success(ctx, type, stored[j].created->id, stored[j].created->version, 201), false};
        progress.created.emplace(op.bulk_id, stored[j].created->id);
    }
    for (std::size_t k = 0; k < count; ++k)
        record(progress, request, order[progress.next + k], std::move(entries[k].first), entries[k].second);
    progress.next += count;
}

// Runs the operations after `before.next` in one transaction and says how far it got. Consecutive user creates
// go in together; any other operation runs in a savepoint of its own. It starts from `before` every time, so a
// retried transaction repeats exactly the same work.
Progress run_batch(pqxx::work& tx, RequestContext const& ctx, scim::BulkRequest const& request,
                   std::vector<std::size_t> const& order, std::vector<PasswordHash> const& hashes,
                   Progress const& before) {
    Progress progress{before.created, before.errors, before.next, before.stopped, {}, before.ignored};
    auto const end = std::min(order.size(), progress.next + operations_per_transaction);
    std::size_t one_by_one_until = 0;  // after a statement for many creates failed, its creates run one by one
    while (progress.next < end && !progress.stopped) {
        if (auto const run = progress.next < one_by_one_until ? 0 : user_create_run(ctx, request, order, progress, end);
            run > 1) {
            auto const before_run = progress;
            try {
                storage::Savepoint run_tx(tx, "bulk_run");
                create_users_together(run_tx, ctx, request, order, hashes, progress, run);
                run_tx.commit();
            } catch (pqxx::sql_error const& e) {
                // One row the database refused fails the whole statement: run them alone to find which.
                log_line("bulk: a statement for " + std::to_string(run) + " creates failed (SQLSTATE " + e.sqlstate() +
                             "); running them one by one",
                         LogLevel::warning, ctx.request_id);
                progress = before_run;
                one_by_one_until = progress.next + run;
            }
            continue;
        }
        auto const index = order[progress.next++];
        auto const& op = request.operations[index];
        std::optional<std::string> new_id;
        try {
            storage::Savepoint op_tx(tx, "bulk_operation");
            auto result = run_operation(op_tx, ctx, op, hashes[index], progress.created, new_id, progress.ignored);
            op_tx.commit();
            if (new_id) progress.created.emplace(op.bulk_id, *new_id);
            record(progress, request, index, std::move(result), false);
        } catch (scim::Error const& e) {
            record(progress, request, index, failure(ctx, op, progress.created, e), true);
        } catch (pqxx::sql_error const& e) {
            // The database refused this operation alone: it fails with a 500 and the others go on.
            log_line("bulk operation " + std::to_string(index) + " failed: SQLSTATE " + e.sqlstate(), LogLevel::error,
                     ctx.request_id);
            record(progress, request, index, failure(ctx, op, progress.created, scim::Error::internal()), true);
        }
    }
    return progress;
}

}  // namespace

Reply bulk(RequestContext& ctx) {
    auto const slot = co_await ctx.app.bulk_slots.acquire();
    auto plan = [&] {
        auto parsed =
            scim::parse_bulk_request(scim::parse_json_object(ctx.request.body), ctx.app.config.bulk_max_operations);
        auto order = scim::bulk_execution_order(parsed.operations);
        return std::pair{std::move(parsed), std::move(order)};
    };
    auto [request, order] = co_await for_body_of_size(ctx, ctx.request.body.size(), plan);
    for (auto const& op : request.operations)
        ctx.app.metrics.bulk_operations.with({std::string(op.method ? scim::to_string(*op.method) : "invalid")}).inc();

    std::vector<PasswordHash> hashes(request.operations.size());
    for (std::size_t i = 0; i < request.operations.size(); ++i) {
        std::optional<std::string> password;
        try {
            password = password_of(ctx, request.operations[i]);
        } catch (scim::Error const&) {
            continue;  // reported when the operation runs
        }
        if (!password) continue;
        auto hash = [&password] { return hash_password(*password); };
        hashes[i] = co_await run_on(ctx.app.cpu, hash);
    }

    std::vector<std::optional<json::object>> results(request.operations.size());
    Progress progress;
    while (progress.next < order.size() && !progress.stopped) {
        auto batch = [&](pqxx::work& tx) { return run_batch(tx, ctx, request, order, hashes, progress); };
        progress = co_await ctx.app.db.run(batch);
        for (auto& [index, result] : progress.results) results[index] = std::move(result);
    }

    // In request order; operations not run (after failOnErrors was reached) are not reported.
    json::array reported;
    for (auto& result : results)
        if (result) reported.emplace_back(std::move(*result));
    json::object body;
    body["schemas"] = json::array{json::string(bulk_response_urn)};
    body["Operations"] = std::move(reported);
    auto res = json_response(200, body);
    add_ignored_attributes(res, progress.ignored);
    co_return res;
}

}  // namespace server::handlers
