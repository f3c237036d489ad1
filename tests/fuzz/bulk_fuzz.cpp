// libFuzzer target: any /Bulk body must be planned (operations read, ordered by their bulkId references, paths and
// data resolved against the creates) or be refused with scim::Error.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scim/bulk.hpp"
#include "scim/error.hpp"
#include "scim/resource.hpp"
#include "tests/fuzz/refusal.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    try {
        auto request = scim::parse_bulk_request(scim::parse_json_object(text), 1000);
        auto const order = scim::bulk_execution_order(request.operations);
        if (order.size() != request.operations.size()) __builtin_trap();  // every operation is placed once
        scim::BulkIds created;
        for (auto const index : order) {
            auto& op = request.operations[index];
            if (op.error) continue;
            try {
                (void)scim::resolve_bulk_path(op.path, created);
                scim::resolve_bulk_ids(op.data, created);
            } catch (scim::Error const& e) {
                client_error_only(e);
            }
            if (!op.bulk_id.empty())
                created.emplace(op.bulk_id, "00000000-0000-0000-0000-00000000000" + std::to_string(index % 10));
        }
    } catch (scim::Error const& e) {
        client_error_only(e);
    }
    return 0;
}
