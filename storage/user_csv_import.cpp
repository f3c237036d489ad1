#include "storage/user_csv_import.hpp"

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
#include "storage/detail/statements.hpp"
#include "storage/user_repository.hpp"

namespace storage {
namespace {

namespace json = boost::json;

constexpr std::size_t batch_size = 1000;

struct Pending {
    std::size_t line;
    json::object attributes;
    bool needs_user_name;
    std::string first_name, last_name;
};

// Lines that repeat what an earlier line claims (a userName, an extension at a site, a number).
void find_duplicates(std::vector<Pending> const& rows, std::vector<scim::CsvProblem>& problems) {
    std::map<std::string, std::size_t> names, extensions, numbers;
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
    }
}

// Invents the missing userNames, avoiding the file's own and those the tenant has: the tenant's names that start
// with a stem are read once, then each invention is one step (see scim::UserNameInventor).
void invent_user_names(pqxx::transaction_base& tx, ChangeContext const& context, std::string const& company,
                       std::vector<Pending>& rows) {
    scim::UserNameInventor names(company);
    std::unordered_set<std::string> stems;
    for (auto const& r : rows) {
        if (r.needs_user_name) stems.insert(scim::to_lower(names.stem(r.first_name, r.last_name)));
        else names.take(std::string(r.attributes.at("userName").as_string()));
    }
    if (stems.empty()) return;
    json::array patterns;
    for (auto const& stem : stems) {
        patterns.emplace_back(detail::escape_like(stem));
        patterns.emplace_back(detail::escape_like(stem) + ".%");
    }
    for (auto const& row : detail::exec_sql(tx,
             "SELECT lower(user_name) FROM users WHERE tenant_id = $1"
             " AND lower(user_name) LIKE ANY (SELECT jsonb_array_elements_text($2::jsonb))",
             context.tenant_id, json::serialize(patterns)))
        names.take(row[0].as<std::string>());
    for (auto& r : rows)
        if (r.needs_user_name) r.attributes["userName"] = names.invent(r.first_name, r.last_name);
}

bool licensed(json::object const& attributes) { return !scim::read_directory_fields(attributes).licenses.empty(); }

}  // namespace

CsvImportResult import_user_csv(pqxx::transaction_base& tx, ChangeContext const& context, std::string_view csv,
                                std::string const& company, scim::UnknownAttributes unknown) {
    CsvImportResult result;
    auto read = scim::read_user_csv(csv, unknown);
    result.problems = std::move(read.problems);
    result.ignored = std::move(read.ignored);
    auto const& registry = scim::SchemaRegistry::builtin();
    auto const& type = *registry.resource_type("User");
    std::vector<Pending> rows;
    for (auto& row : read.rows) {
        if (row.needs_user_name) row.body["userName"] = "pending";  // invented below, once every row is known
        try {
            auto input = scim::read_resource(row.body, type, registry);
            rows.push_back({row.line, std::move(input.attributes), row.needs_user_name, row.first_name, row.last_name});
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
    invent_user_names(tx, context, company, rows);

    UserRepository users(tx, context);
    // Contacts go in a thousand at a time, one statement each; a licensed user is created on its own (its
    // extension is allocated after the users before it), in a savepoint so that its failure is only reported.
    std::vector<std::size_t> contacts, licensed_rows;
    for (std::size_t i = 0; i < rows.size(); ++i) (licensed(rows[i].attributes) ? licensed_rows : contacts).push_back(i);
    for (std::size_t from = 0; from < contacts.size(); from += batch_size) {
        auto const to = std::min(contacts.size(), from + batch_size);
        std::vector<UserRepository::NewUser> batch;
        for (auto k = from; k < to; ++k) batch.push_back({rows[contacts[k]].attributes, std::nullopt});
        auto const outcomes = users.create_many(batch);
        for (auto k = from; k < to; ++k) {
            auto const& row = rows[contacts[k]];
            auto const& outcome = outcomes[k - from];
            if (outcome.error) result.problems.push_back({row.line, outcome.error->detail()});
            else result.created.push_back({row.line, outcome.created->id, std::string(row.attributes.at("userName").as_string())});
        }
    }
    for (auto const i : licensed_rows) {
        auto const& row = rows[i];
        tx.exec0("SAVEPOINT csv_row");
        try {
            auto const stored = users.create(row.attributes, std::nullopt);
            tx.exec0("RELEASE SAVEPOINT csv_row");
            result.created.push_back({row.line, stored.id, std::string(row.attributes.at("userName").as_string())});
        } catch (scim::Error const& e) {
            tx.exec0("ROLLBACK TO SAVEPOINT csv_row");
            result.problems.push_back({row.line, e.detail()});
        }
    }
    auto const by_line = [](auto const& a, auto const& b) { return a.line < b.line; };
    std::stable_sort(result.problems.begin(), result.problems.end(), by_line);
    std::stable_sort(result.created.begin(), result.created.end(), by_line);
    return result;
}

std::string import_problems_detail(std::vector<scim::CsvProblem> const& problems, std::size_t rows, std::size_t listed) {
    std::set<std::size_t> lines;
    for (auto const& p : problems) lines.insert(p.line);
    std::string out = std::to_string(lines.size()) + " of " + std::to_string(rows) +
                      " line(s) cannot be imported, so nothing was:";
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

}  // namespace storage
