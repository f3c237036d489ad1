// The E.164 phone numbers (DIDs) a tenant has claimed, and who holds each.
#pragma once

#include <string>
#include <vector>

#include <pqxx/transaction_base>

namespace storage {

struct PhoneNumber {
    std::string number;
    std::string holder;  // the holder's userName; empty: free
};

class NumberRepository {
public:
    NumberRepository(pqxx::transaction_base& tx, std::string tenant_id) : tx_(tx), tenant_id_(std::move(tenant_id)) {}

    /// Claims numbers for the tenant; returns how many were new (claiming a claimed one again changes nothing).
    /// @throws scim::Error 400 invalidValue naming a number that is not E.164, 409 when another tenant has it.
    int claim(std::vector<std::string> const& numbers);
    /// Gives a free number up. @throws scim::Error 404 (not claimed), 409 (a user holds it).
    void release(std::string const& number);
    /// Every number of the tenant, in order.
    std::vector<PhoneNumber> list();

private:
    pqxx::transaction_base& tx_;
    std::string tenant_id_;
};

}  // namespace storage
