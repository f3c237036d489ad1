// The E.164 phone numbers (DIDs) a tenant has claimed, and who holds each.
#pragma once

#include <string>
#include <vector>

#include <pqxx/transaction_base>

#include "storage/change_log.hpp"

namespace storage {

struct PhoneNumber {
    std::string number;
    std::string holder;  // the holder's userName; empty: free
};

class NumberRepository {
public:
    /// Works in `tx` on the numbers of `context.tenant_id`; every claim and release appends its change record.
    NumberRepository(pqxx::transaction_base& tx, ChangeContext context)
        : tx_(tx), context_(std::move(context)), tenant_id_(context_.tenant_id) {}

    /// Claims numbers for the tenant; returns how many were new (claiming a claimed one again changes nothing).
    /// @throws scim::Error 400 invalidValue naming a number that is not E.164, 409 when another tenant has it.
    int claim(std::vector<std::string> const& numbers);
    /// Gives a free number up. @throws scim::Error 404 (not claimed), 409 (a user holds it).
    void release(std::string const& number);
    /// Every number of the tenant, in order.
    std::vector<PhoneNumber> list();

private:
    pqxx::transaction_base& tx_;
    ChangeContext context_;
    std::string tenant_id_;
};

}  // namespace storage
