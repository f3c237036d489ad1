// The directory rules inside a write: sites, inherited locale and time zone, extensions, seats and numbers.
#include "storage/directory.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

#include <pqxx/pqxx>

#include "scim/directory_user.hpp"
#include "scim/error.hpp"
#include "scim/urns.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"

namespace storage {
namespace {

namespace json = boost::json;

// The SQLSTATE scimd_count_license_seats() raises when a pool has no free seat
// (storage/migrations/V008__directory.sql).
constexpr std::string_view pool_full_sqlstate = "SD001";

std::string const site_attribute = std::string(scim::urn::directory_user) + ":site";

std::optional<std::string> string_attribute(json::object const& o, std::string_view key) {
    auto const* v = o.if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

// A core attribute the site provides unless the user sets its own: an absent value, or one that only repeats what
// the previous site provided, becomes the new site's.
void inherit(json::object& attributes, std::string_view key, std::string const& from_site,
             std::string const* from_previous_site) {
    auto const own = string_attribute(attributes, key);
    bool const inherited = !own || (from_previous_site && *own == *from_previous_site);
    if (!inherited) return;
    if (from_site.empty())
        attributes.erase(key);
    else
        attributes[key] = from_site;
}

bool has_emails(json::object const& attributes) {
    auto const* v = attributes.if_contains("emails");
    return v && v->is_array() && !v->get_array().empty();
}

bool same_set(std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

// The values in one list and not the other: the pools whose seats, or the numbers whose holder, a write moves.
std::vector<std::string> symmetric_difference(std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    std::vector<std::string> out;
    std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

std::int64_t power_of_ten(int n) {
    std::int64_t p = 1;
    while (n-- > 0) p *= 10;
    return p;
}

}  // namespace

Tenant const& Directory::tenant() {
    if (!tenant_) {
        auto found = TenantRepository(tx_).find_with_default_site(tenant_id_);
        if (!found) throw scim::Error::not_found("no such tenant");
        tenant_ = std::move(found->first);
        if (found->second) sites_.emplace(found->second->name, std::move(*found->second));
    }
    return *tenant_;
}

Site const& Directory::site_named(std::string const& name) {
    if (auto it = sites_.find(name); it != sites_.end()) return it->second;
    auto site = SiteRepository(tx_, changes_context_).find_by_name(name);
    if (!site)
        throw scim::Error::invalid_value("no site named \"" + name + "\" in this tenant (" + site_attribute +
                                         " is a site's exact name; an admin lists them at /Sites)");
    return sites_.emplace(name, std::move(*site)).first->second;
}

void Directory::lock_site(Site const& site) {
    // Writers that choose or change an extension at this site queue here, so an allocation sees every extension
    // committed before it; the unique index stays the guarantee.
    detail::exec_sql(tx_, "SELECT 1 FROM sites WHERE tenant_id = $1 AND id = $2 FOR NO KEY UPDATE", tenant_id_,
                     site.id);
}

std::string Directory::allocate_extension(Site const& site) {
    auto const low = power_of_ten(site.extension_length - 1);
    auto const high = power_of_ten(site.extension_length) - 1;
    auto const code_length = static_cast<int>(site.site_code.size());
    // The lowest free number: the range's start or one after a held extension, whichever is free first.
    auto const r =
        detail::exec_sql(tx_,
                         "SELECT c FROM ("
                         "  SELECT $3::bigint AS c"
                         "  UNION SELECT substr(fq_extension, $5 + 1)::bigint + 1 FROM users"
                         "  WHERE tenant_id = $1 AND fq_extension IS NOT NULL AND length(fq_extension) = $5 + $6"
                         "    AND left(fq_extension, $5) = $2) candidates "
                         "WHERE c <= $4 AND NOT EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = $1"
                         "                              AND u.fq_extension = $2 || lpad(c::text, $6, '0')) "
                         "ORDER BY c LIMIT 1",
                         tenant_id_, site.site_code, low, high, code_length, site.extension_length);
    if (r.empty())
        throw scim::Error::conflict("site \"" + site.name + "\" has no free extension: all " +
                                    std::to_string(high - low + 1) + " of its " +
                                    std::to_string(site.extension_length) + "-digit extensions are held");
    auto digits = std::to_string(r[0][0].as<std::int64_t>());
    return std::string(static_cast<std::size_t>(site.extension_length) - digits.size(), '0') + digits;
}

DirectoryUser Directory::apply(json::object attributes, json::object const* previous) {
    auto fields = scim::read_directory_fields(attributes);
    auto const before = previous ? scim::read_directory_fields(*previous) : scim::DirectoryFields{};
    auto const& settings = tenant();

    if (!fields.site) {
        if (settings.default_site.empty())
            throw scim::Error::invalid_value(site_attribute + " is required: this tenant has no default site");
        fields.site = settings.default_site;
    }
    auto const& site = site_named(*fields.site);
    Site const* previous_site = before.site ? &site_named(*before.site) : nullptr;

    inherit(attributes, "locale", site.locale, previous_site ? &previous_site->locale : nullptr);
    inherit(attributes, "timezone", site.timezone, previous_site ? &previous_site->timezone : nullptr);
    if (!has_emails(attributes)) {
        auto const placeholder = settings.effective_placeholder_email();
        if (!placeholder.empty())
            attributes["emails"] =
                json::array{json::object{{"value", placeholder}, {"type", "work"}, {"primary", true}}};
    }
    if (!fields.directory_scope) fields.directory_scope = "CUSTOMER";
    if (!fields.display_in_directory) fields.display_in_directory = settings.display_in_directory;

    bool const extension_given = fields.extension && fields.extension != before.extension;
    bool const numbers_given = !fields.did_numbers.empty() && !same_set(fields.did_numbers, before.did_numbers);
    std::string fq_extension;
    if (fields.licenses.empty()) {
        // A contact: an extension or numbers carried over from when it was licensed are released with the licence.
        if (extension_given)
            throw scim::Error::invalid_value(
                "a contact (no licence) cannot hold an extension number: assign a "
                "licence in the same request, or leave extensionNumber out");
        if (numbers_given)
            throw scim::Error::invalid_value(
                "a contact (no licence) cannot hold phone numbers: assign a licence in "
                "the same request, or leave didNumbers out");
        fields.extension.reset();
        fields.did_numbers.clear();
    } else {
        auto const length = static_cast<std::size_t>(site.extension_length);
        if (fields.extension && (!scim::is_digits(*fields.extension) || fields.extension->size() != length)) {
            if (extension_given)
                throw scim::Error::invalid_value("extensionNumber \"" + *fields.extension + "\" must be " +
                                                 std::to_string(length) + " digits at site \"" + site.name + "\"");
            fields.extension.reset();  // kept from a site with another dial plan: a new one is allocated
        }
        for (auto const& number : fields.did_numbers)
            if (!scim::is_e164(number))
                throw scim::Error::invalid_value("didNumbers: \"" + number +
                                                 "\" is not an E.164 number (\"+\", "
                                                 "country code and number, 8 to 15 digits, e.g. \"+14155550100\")");
        auto const previous_fq = before.extension && previous_site ? previous_site->site_code + *before.extension : "";
        if (!fields.extension || site.site_code + *fields.extension != previous_fq) lock_site(site);
        if (!fields.extension) fields.extension = allocate_extension(site);
        fq_extension = site.site_code + *fields.extension;
    }
    scim::write_directory_fields(attributes, fields, fq_extension);
    // A user's phones are their devices' to say (DeviceRepository): kept as stored, whatever a request sent.
    if (previous)
        if (auto const* old_ext = previous->if_contains(scim::urn::directory_user); old_ext && old_ext->is_object())
            if (auto const* devices = old_ext->get_object().if_contains("devices"))
                attributes[scim::urn::directory_user].as_object()["devices"] = *devices;
    return {std::move(attributes), site.id};
}

void Directory::assign(std::string const& user_id, json::object const& attributes, json::object const* previous) {
    auto const now = scim::read_directory_fields(attributes);
    auto const before = previous ? scim::read_directory_fields(*previous) : scim::DirectoryFields{};
    if (!same_set(now.licenses, before.licenses)) sync_licenses(user_id, attributes, before.licenses);
    if (!same_set(now.did_numbers, before.did_numbers)) sync_numbers(user_id, attributes, before.did_numbers);
}

void Directory::sync_licenses(std::string const& user_id, json::object const& attributes,
                              std::vector<std::string> const& before) {
    auto const wanted = scim::read_directory_fields(attributes).licenses;
    auto const list = detail::json_text_array(wanted);
    auto const unknown = detail::exec_sql(
        tx_,
        "SELECT x FROM jsonb_array_elements_text($2::jsonb) x"
        " WHERE NOT EXISTS (SELECT 1 FROM license_pools p WHERE p.tenant_id = $1 AND p.license_type = x)",
        tenant_id_, list);
    if (!unknown.empty())
        throw scim::Error::invalid_value("licenses: this tenant has no licence pool \"" +
                                         unknown[0][0].as<std::string>() +
                                         "\" (an admin lists the pools at /Licenses)");
    detail::exec_sql(tx_,
                     "DELETE FROM license_assignments WHERE tenant_id = $1 AND user_id = $2"
                     " AND license_type NOT IN (SELECT jsonb_array_elements_text($3::jsonb))",
                     tenant_id_, user_id, list);
    for (auto const& type : wanted) {
        try {
            detail::exec_sql(tx_,
                             "INSERT INTO license_assignments (tenant_id, user_id, license_type) VALUES ($1, $2, $3)"
                             " ON CONFLICT DO NOTHING",
                             tenant_id_, user_id, type);
        } catch (pqxx::sql_error const& e) {
            if (e.sqlstate() != pool_full_sqlstate) throw;
            throw scim::Error::conflict("licence pool \"" + type +
                                        "\" is full: every seat is assigned (an admin "
                                        "raises its capacity with scimd license set, or frees a seat)");
        }
    }
    changes_.record_pools(symmetric_difference(wanted, before));
}

void Directory::sync_numbers(std::string const& user_id, json::object const& attributes,
                             std::vector<std::string> const& before) {
    auto const wanted_numbers = scim::read_directory_fields(attributes).did_numbers;
    auto const list = detail::json_text_array(wanted_numbers);
    detail::exec_sql(tx_,
                     "UPDATE phone_numbers SET user_id = NULL WHERE tenant_id = $1 AND user_id = $2"
                     " AND number NOT IN (SELECT jsonb_array_elements_text($3::jsonb))",
                     tenant_id_, user_id, list);
    // Each wanted number is taken only if free (or already this user's); the row lock makes a concurrent claim of
    // the same number wait and then find it held.
    auto const missing = detail::exec_sql(
        tx_,
        "WITH wanted AS (SELECT jsonb_array_elements_text($3::jsonb) AS number),"
        " taken AS (UPDATE phone_numbers p SET user_id = $2 FROM wanted w"
        "           WHERE p.tenant_id = $1 AND p.number = w.number AND (p.user_id IS NULL OR p.user_id = $2)"
        "           RETURNING p.number) "
        "SELECT w.number, EXISTS (SELECT 1 FROM phone_numbers p WHERE p.tenant_id = $1 AND p.number = w.number) "
        "FROM wanted w WHERE w.number NOT IN (SELECT number FROM taken)",
        tenant_id_, user_id, list);
    if (missing.empty()) {
        for (auto const& n : symmetric_difference(wanted_numbers, before))
            changes_.record(scim::ResourceKind::number, n, ChangeOperation::update, std::nullopt, {"holder"});
        return;
    }
    auto const number = missing[0][0].as<std::string>();
    if (missing[0][1].as<bool>())
        throw scim::Error::uniqueness("didNumbers: " + number + " is held by another user of this tenant");
    throw scim::Error::invalid_value("didNumbers: " + number +
                                     " is not one of this tenant's numbers (an admin "
                                     "claims it with scimd number claim)");
}

std::string Directory::extension_taken_detail(json::object const& attributes) {
    auto const fields = scim::read_directory_fields(attributes);
    return "extensionNumber \"" + fields.extension.value_or("") + "\" at site \"" + fields.site.value_or("") +
           "\" is held by another user of this tenant (extensions are unique by site code + extension)";
}

}  // namespace storage
