// The admin console's user CSV into a tenant: every row checked, then all created through the service, or none.
#include "service/user_import.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include "scim/directory_user.hpp"
#include "scim/error.hpp"
#include "scim/resource.hpp"
#include "scim/schema.hpp"
#include "scim/text.hpp"
#include "scim/urns.hpp"
#include "service/writes.hpp"
#include "storage/savepoint.hpp"
#include "storage/user_repository.hpp"

namespace service {
namespace {

namespace json = boost::json;

constexpr std::size_t batch_size = 1000;

struct Pending {
    std::size_t line;
    json::object attributes;
    bool needs_user_name;
    std::string first_name, last_name;
    std::vector<scim::CsvUserRow::Device> devices;
};

// Lines that repeat what an earlier line claims (a userName, an extension at a site, a number).
void find_duplicates(std::vector<Pending> const& rows, std::vector<scim::CsvProblem>& problems) {
    std::map<std::string, std::size_t> names, extensions, numbers, macs;
    auto claim = [&](std::map<std::string, std::size_t>& seen, std::string const& key, std::size_t line,
                     std::string const& what) {
        auto const [it, fresh] = seen.emplace(key, line);
        if (!fresh) problems.push_back({line, what + " is also on line " + std::to_string(it->second)});
    };
    for (auto const& row : rows) {
        if (!row.needs_user_name)
            claim(names, scim::to_lower(std::string(row.attributes.at("userName").as_string())), row.line,
                  "userName \"" + std::string(row.attributes.at("userName").as_string()) + "\"");
        auto const f = scim::read_directory_fields(row.attributes);
        if (f.extension)
            claim(extensions, f.site.value_or("") + "\n" + *f.extension, row.line,
                  "extension " + *f.extension + " at site \"" + f.site.value_or("") + "\"");
        for (auto const& n : f.did_numbers) claim(numbers, n, row.line, "number " + n);
        for (auto const& d : row.devices) claim(macs, d.mac_address, row.line, "MAC address " + d.mac_address);
    }
}

// Invents the missing userNames, avoiding the file's own and those the tenant has: the tenant's names that start
// with a stem are read once, then each invention is one step (see scim::UserNameInventor).
void invent_user_names(storage::UserRepository& users, std::string const& company, std::vector<Pending>& rows) {
    scim::UserNameInventor names(company);
    std::unordered_set<std::string> stems;
    for (auto const& r : rows) {
        if (r.needs_user_name)
            stems.insert(scim::to_lower(names.stem(r.first_name, r.last_name)));
        else
            names.take(std::string(r.attributes.at("userName").as_string()));
    }
    if (stems.empty()) return;
    for (auto const& name : users.names_with_stems({stems.begin(), stems.end()})) names.take(name);
    for (auto& r : rows)
        if (r.needs_user_name) r.attributes["userName"] = names.invent(r.first_name, r.last_name);
}

bool licensed(json::object const& attributes) { return !scim::read_directory_fields(attributes).licenses.empty(); }

}  // namespace

CsvImportResult import_users_csv(pqxx::dbtransaction& tx, Caller const& caller, std::string_view csv,
                                 std::string const& company) {
    CsvImportResult result;
    auto read = scim::read_user_csv(csv, caller.read.unknown);
    result.problems = std::move(read.problems);
    result.ignored = std::move(read.ignored);
    auto const& registry = scim::SchemaRegistry::builtin();
    auto const& type = *registry.resource_type("User");
    std::vector<Pending> rows;
    for (auto& row : read.rows) {
        if (row.needs_user_name) row.body["userName"] = "pending";  // invented below, once every row is known
        try {
            auto input = scim::read_resource(row.body, type, registry, caller.read);
            rows.push_back({row.line, std::move(input.attributes), row.needs_user_name, row.first_name, row.last_name,
                            std::move(row.devices)});
        } catch (scim::Error const& e) {
            result.problems.push_back({row.line, e.detail()});
        }
    }
    find_duplicates(rows, result.problems);
    if (!result.problems.empty()) {
        std::stable_sort(result.problems.begin(), result.problems.end(),
                         [](auto const& a, auto const& b) { return a.line < b.line; });
        return result;
    }
    storage::UserRepository users(tx, caller.change);
    invent_user_names(users, company, rows);

    // Contacts go in a thousand at a time, one statement each; a licensed user is created on its own (its
    // extension is allocated after the users before it), in a savepoint so that its failure is only reported.
    std::vector<std::size_t> contacts, licensed_rows;
    for (std::size_t i = 0; i < rows.size(); ++i)
        (licensed(rows[i].attributes) ? licensed_rows : contacts).push_back(i);
    for (std::size_t from = 0; from < contacts.size(); from += batch_size) {
        auto const to = std::min(contacts.size(), from + batch_size);
        std::vector<storage::UserRepository::NewUser> batch;
        for (auto k = from; k < to; ++k) batch.push_back({rows[contacts[k]].attributes, std::nullopt});
        auto const outcomes = create_contacts(tx, caller, batch);
        for (auto k = from; k < to; ++k) {
            auto const& row = rows[contacts[k]];
            auto const& outcome = outcomes[k - from];
            if (outcome.error)
                result.problems.push_back({row.line, outcome.error->detail()});
            else
                result.created.push_back(
                    {row.line, outcome.created->id, std::string(row.attributes.at("userName").as_string())});
        }
    }
    for (auto const i : licensed_rows) {
        auto const& row = rows[i];
        try {
            storage::Savepoint row_tx(tx, "csv_row");
            auto const stored = create(row_tx, caller, scim::ResourceKind::user, {row.attributes, std::nullopt, {}});
            row_tx.commit();
            result.created.push_back({row.line, stored.id, std::string(row.attributes.at("userName").as_string())});
        } catch (scim::Error const& e) {
            result.problems.push_back({row.line, e.detail()});
        }
    }
    // The users' desk phones, once the users exist: active at once, their MAC addresses being known.
    if (result.problems.empty()) {
        std::map<std::size_t, Pending const*> by_line_number;
        for (auto const& row : rows) by_line_number[row.line] = &row;
        for (auto const& user : result.created) {
            for (auto const& d : by_line_number.at(user.line)->devices) {
                json::object directory{{"assignedUser", json::object{{"value", user.id}}}};
                if (!d.model.empty()) directory["model"] = d.model;
                json::object device{{"active", true},
                                    {scim::urn::ethernet_mab_device, json::object{{"deviceMacAddress", d.mac_address}}},
                                    {scim::urn::directory_device, std::move(directory)}};
                try {
                    create(tx, caller, scim::ResourceKind::device, {std::move(device), std::nullopt, {}});
                } catch (scim::Error const& e) {
                    result.problems.push_back({user.line, e.detail()});
                    break;  // a failed statement leaves the transaction to be rolled back: report and stop
                }
            }
            if (!result.problems.empty()) break;
        }
    }
    auto const by_line = [](auto const& a, auto const& b) { return a.line < b.line; };
    std::stable_sort(result.problems.begin(), result.problems.end(), by_line);
    std::stable_sort(result.created.begin(), result.created.end(), by_line);
    return result;
}

std::string import_problems_detail(std::vector<scim::CsvProblem> const& problems, std::size_t rows,
                                   std::size_t listed) {
    std::set<std::size_t> lines;
    for (auto const& p : problems) lines.insert(p.line);
    std::string out =
        std::to_string(lines.size()) + " of " + std::to_string(rows) + " line(s) cannot be imported, so nothing was:";
    std::size_t n = 0;
    for (auto const& p : problems) {
        if (n++ == listed) {
            out += "\n... and " + std::to_string(problems.size() - listed) + " more";
            break;
        }
        out += "\nline " + std::to_string(p.line) + ": " + p.detail;
    }
    return out;
}

}  // namespace service
