// Reading a BulkRequest and ordering its operations by their bulkId references.
#include "scim/bulk.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <unordered_set>

#include "scim/text.hpp"

namespace scim {
namespace json = boost::json;

namespace {

constexpr std::string_view bulk_request_urn = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
constexpr std::string_view reference_prefix = "bulkId:";

bool is_reference(std::string_view text) { return text.starts_with(reference_prefix); }

void collect_references(json::value const& value, std::vector<std::string>& out,
                        std::unordered_set<std::string>& seen) {
    if (value.is_string()) {
        std::string_view const text = value.get_string();
        if (is_reference(text)) {
            std::string id(text.substr(reference_prefix.size()));
            if (seen.insert(id).second) out.push_back(std::move(id));
        }
    } else if (value.is_array()) {
        for (auto const& v : value.get_array()) collect_references(v, out, seen);
    } else if (value.is_object()) {
        for (auto const& [key, v] : value.get_object()) collect_references(v, out, seen);
    }
}

std::size_t segment_count(std::string_view path) {
    return static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
}

std::optional<BulkMethod> method_named(std::string_view name) {
    if (iequals(name, "POST")) return BulkMethod::post;
    if (iequals(name, "PUT")) return BulkMethod::put;
    if (iequals(name, "PATCH")) return BulkMethod::patch;
    if (iequals(name, "DELETE")) return BulkMethod::del;
    return std::nullopt;
}

// One operation; what is wrong with it becomes its error rather than failing the request.
BulkOperation read_operation(json::value const& item, std::string const& where) {
    BulkOperation op;
    auto const fail = [&](std::string detail) {
        if (!op.error) op.error = Error::invalid_syntax(where + ": " + std::move(detail));
    };
    if (!item.is_object()) {
        fail("an operation must be an object");
        return op;
    }
    bool has_method = false, has_path = false;
    for (auto const& [key, value] : item.get_object()) {
        if (iequals(key, "method")) {
            auto const method = value.is_string() ? method_named(value.get_string()) : std::nullopt;
            if (!method)
                fail("\"method\" must be one of POST, PUT, PATCH, DELETE");
            else
                op.method = *method;
            has_method = true;
        } else if (iequals(key, "path")) {
            if (!value.is_string())
                fail("\"path\" must be a string");
            else
                op.path = value.get_string();
            has_path = true;
        } else if (iequals(key, "bulkId")) {
            if (!value.is_string() || value.get_string().empty())
                fail("\"bulkId\" must be a non-empty string");
            else
                op.bulk_id = value.get_string();
        } else if (iequals(key, "version")) {
            if (!value.is_string())
                fail("\"version\" must be a string (an ETag)");
            else
                op.version = value.get_string();
        } else if (iequals(key, "data")) {
            op.data = value;
        } else {
            fail("unknown member \"" + std::string(key) + "\"; an operation has method, path, bulkId, version, data");
        }
    }
    if (!has_method) fail("\"method\" is required");
    if (!has_path) fail("\"path\" is required");
    if (op.error) return op;
    if (!op.path.starts_with('/')) fail("\"path\" must start with '/', as in \"/Users\"");
    if (op.method == BulkMethod::post) {
        if (op.bulk_id.empty()) fail("a POST needs a \"bulkId\" (RFC 7644 §3.7)");
        if (segment_count(op.path) != 1) fail("a POST's path names a resource type, as in \"/Users\"");
    } else if (segment_count(op.path) != 2 || op.path.ends_with('/')) {
        fail("a " + std::string(to_string(*op.method)) + "'s path names one resource, as in \"/Users/{id}\"");
    }
    if (op.method == BulkMethod::del)
        op.data = nullptr;
    else if (!op.data.is_object())
        fail("\"data\" must be an object: the body of the request");
    if (op.error) return op;
    auto const slash = op.path.rfind('/');
    if (op.method != BulkMethod::post && is_reference(std::string_view(op.path).substr(slash + 1)))
        op.references.push_back(op.path.substr(slash + 1 + reference_prefix.size()));
    std::unordered_set<std::string> seen(op.references.begin(), op.references.end());
    collect_references(op.data, op.references, seen);
    return op;
}

Error reference_error(std::string detail) { return Error(409, ScimType::invalid_value, std::move(detail)); }

}  // namespace

std::string_view to_string(BulkMethod method) noexcept {
    switch (method) {
        case BulkMethod::post:
            return "POST";
        case BulkMethod::put:
            return "PUT";
        case BulkMethod::patch:
            return "PATCH";
        case BulkMethod::del:
            return "DELETE";
    }
    return "";
}

BulkRequest parse_bulk_request(json::object const& body, std::size_t max_operations) {
    json::value const* schemas = nullptr;
    json::value const* operations = nullptr;
    BulkRequest request;
    for (auto const& [key, value] : body) {
        if (iequals(key, "schemas")) {
            schemas = &value;
        } else if (iequals(key, "Operations")) {
            operations = &value;
        } else if (iequals(key, "failOnErrors")) {
            if (!value.is_int64() && !value.is_uint64())
                throw Error::invalid_syntax("\"failOnErrors\" must be a positive integer");
            auto const n = value.is_int64() ? value.get_int64() : static_cast<std::int64_t>(value.get_uint64());
            if (n < 1) throw Error::invalid_syntax("\"failOnErrors\" must be a positive integer");
            request.fail_on_errors = n;
        } else {
            throw Error::invalid_syntax("unknown member \"" + std::string(key) +
                                        "\" in a BulkRequest; it has schemas, failOnErrors, Operations");
        }
    }
    bool declared = false;
    if (schemas && schemas->is_array())
        for (auto const& urn : schemas->get_array())
            declared = declared || (urn.is_string() && iequals(urn.get_string(), bulk_request_urn));
    if (!declared) throw Error::invalid_syntax("\"schemas\" must list \"" + std::string(bulk_request_urn) + "\"");
    if (!operations || !operations->is_array() || operations->get_array().empty())
        throw Error::invalid_syntax("\"Operations\" must be a non-empty array");
    auto const& list = operations->get_array();
    if (list.size() > max_operations)
        throw Error::payload_too_large("the bulk request has " + std::to_string(list.size()) +
                                       " operations; this server accepts at most " + std::to_string(max_operations) +
                                       " (maxOperations in /ServiceProviderConfig)");
    BulkIds first_use;  // bulkId -> the operation that declared it first
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto op = read_operation(list[i], "Operations[" + std::to_string(i) + "]");
        if (!op.error && !op.bulk_id.empty()) {
            auto [at, inserted] = first_use.emplace(op.bulk_id, std::to_string(i));
            if (!inserted)
                op.error = Error::invalid_syntax("Operations[" + std::to_string(i) + "]: bulkId \"" + op.bulk_id +
                                                 "\" is already used by Operations[" + at->second + "]");
        }
        request.operations.push_back(std::move(op));
    }
    return request;
}

std::vector<std::size_t> bulk_execution_order(std::vector<BulkOperation>& operations) {
    auto const n = operations.size();
    std::map<std::string_view, std::size_t, std::less<>> creator;  // bulkId -> its POST
    for (std::size_t i = 0; i < n; ++i)
        if (operations[i].method == BulkMethod::post && !operations[i].bulk_id.empty())
            creator.emplace(operations[i].bulk_id, i);
    std::vector<std::vector<std::size_t>> waits_on(n);
    for (std::size_t i = 0; i < n; ++i) {
        auto& op = operations[i];
        if (op.error) continue;
        for (auto const& ref : op.references) {
            auto const found = creator.find(ref);
            if (found == creator.end()) {
                op.error = reference_error("\"bulkId:" + ref + "\" names no POST operation of this request");
                break;
            }
            waits_on[i].push_back(found->second);
        }
        if (op.error) waits_on[i].clear();
    }
    // Request order, except that an operation waits for the POSTs it references: at each step the first operation
    // whose references are all placed (a heap of the ready ones keeps this linear in the references, not quadratic).
    std::vector<std::size_t> order;
    order.reserve(n);
    std::vector<std::size_t> unplaced(n);
    std::vector<std::vector<std::size_t>> dependents(n);
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
    for (std::size_t i = 0; i < n; ++i) {
        unplaced[i] = waits_on[i].size();
        for (auto w : waits_on[i]) dependents[w].push_back(i);
        if (unplaced[i] == 0) ready.push(i);
    }
    std::vector<bool> placed(n, false);
    while (!ready.empty()) {
        auto const next = ready.top();
        ready.pop();
        placed[next] = true;
        order.push_back(next);
        for (auto d : dependents[next])
            if (--unplaced[d] == 0) ready.push(d);
    }
    // Everything left waits, directly or not, on a circle of references.
    for (std::size_t i = 0; i < n; ++i) {
        if (placed[i]) continue;
        operations[i].error = reference_error(
            "the bulkId references of this operation wait on each other in a circle; create the resources "
            "first and link them in a later operation (PATCH)");
        order.push_back(i);
    }
    return order;
}

void resolve_bulk_ids(json::value& value, BulkIds const& created) {
    if (value.is_string()) {
        std::string_view const text = value.get_string();
        if (!is_reference(text)) return;
        auto const found = created.find(text.substr(reference_prefix.size()));
        if (found == created.end())
            throw reference_error("\"" + std::string(text) + "\" cannot be resolved: the operation creating it failed");
        value = found->second;
    } else if (value.is_array()) {
        for (auto& v : value.get_array()) resolve_bulk_ids(v, created);
    } else if (value.is_object()) {
        for (auto& entry : value.get_object()) resolve_bulk_ids(entry.value(), created);
    }
}

std::string resolve_bulk_path(std::string_view path, BulkIds const& created) {
    auto const slash = path.rfind('/');
    json::value last = json::string(path.substr(slash + 1));
    resolve_bulk_ids(last, created);
    return std::string(path.substr(0, slash + 1)) + std::string(last.get_string());
}

}  // namespace scim
