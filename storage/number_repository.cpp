// Claimed numbers and their holders.
#include "storage/number_repository.hpp"

#include <pqxx/pqxx>

#include "scim/directory_user.hpp"
#include "scim/error.hpp"
#include "storage/detail/rows.hpp"
#include "storage/detail/statements.hpp"

namespace storage {

int NumberRepository::claim(std::vector<std::string> const& numbers) {
    for (auto const& number : numbers)
        if (!scim::is_e164(number))
            throw scim::Error::invalid_value("\"" + number +
                                             "\" is not an E.164 number (\"+\", country code and "
                                             "number, 8 to 15 digits, e.g. \"+14155550100\")");
    auto const list = detail::json_text_array(numbers);
    auto const elsewhere = detail::exec_sql(tx_,
                                            "SELECT number FROM phone_numbers WHERE tenant_id <> $1"
                                            " AND number IN (SELECT jsonb_array_elements_text($2::jsonb)) LIMIT 1",
                                            tenant_id_, list);
    if (!elsewhere.empty())
        throw scim::Error::conflict(elsewhere[0][0].as<std::string>() + " is claimed by another tenant");
    return detail::exec_sql1(tx_,
                             "WITH n AS (INSERT INTO phone_numbers (tenant_id, number) SELECT $1, "
                             "jsonb_array_elements_text($2::jsonb)"
                             "           ON CONFLICT DO NOTHING RETURNING number AS id, NULL::bigint AS version),"
                             " c AS (" +
                                 detail::change_insert("n", scim::ResourceKind::number, ChangeOperation::create, "$3") +
                                 ") "
                                 "SELECT count(*)::int FROM n",
                             tenant_id_, list, change_context_json(context_))[0]
        .as<int>();
}

void NumberRepository::release(std::string const& number) {
    auto const r = detail::exec_sql(
        tx_,
        "SELECT coalesce(u.user_name, '') FROM phone_numbers p LEFT JOIN users u"
        " ON u.tenant_id = p.tenant_id AND u.id = p.user_id WHERE p.tenant_id = $1 AND p.number = $2 FOR UPDATE OF p",
        tenant_id_, number);
    if (r.empty()) throw scim::Error::not_found(number + " is not one of this tenant's numbers");
    if (auto const holder = r[0][0].as<std::string>(); !holder.empty())
        throw scim::Error::conflict(number + " is held by " + holder + "; remove it from that user first");
    detail::exec_sql(tx_,
                     "WITH n AS (DELETE FROM phone_numbers WHERE tenant_id = $1 AND number = $2"
                     "           RETURNING number AS id, NULL::bigint AS version),"
                     " c AS (" +
                         detail::change_insert("n", scim::ResourceKind::number, ChangeOperation::remove, "$3") +
                         ") "
                         "SELECT 1",
                     tenant_id_, number, change_context_json(context_));
}

std::vector<PhoneNumber> NumberRepository::list() {
    std::vector<PhoneNumber> out;
    for (auto const& row :
         detail::exec_sql(tx_,
                          "SELECT p.number, coalesce(u.user_name, '') FROM phone_numbers p LEFT JOIN users u"
                          " ON u.tenant_id = p.tenant_id AND u.id = p.user_id WHERE p.tenant_id = $1 ORDER BY p.number",
                          tenant_id_))
        out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    return out;
}

}  // namespace storage
