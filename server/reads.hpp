// A request's read: from the read replica when ReadReplica says it may, else (and when the replica fails) from the
// primary.
#pragma once

#include <optional>
#include <type_traits>

#include <boost/asio/awaitable.hpp>
#include <pqxx/transaction_base>

#include "server/read_replica.hpp"
#include "server/request_context.hpp"

namespace server {

enum class ReadShape {
    statements,   // each statement on its own, no BEGIN/COMMIT (DbPool::read)
    transaction,  // one snapshot, needed for cursors (DbPool::run)
};

/// Runs `f(pqxx::transaction_base&)`, which only reads, where `ctx`'s request may read.
template <class F>
auto read_only(RequestContext& ctx, ReadShape shape, F const& f)
    -> boost::asio::awaitable<std::invoke_result_t<F const&, pqxx::transaction_base&>> {
    using Result = std::invoke_result_t<F const&, pqxx::transaction_base&>;
    auto* replica = ctx.app.replica.get();
    if (replica &&
        replica->serves(ctx.grant.token_id, !ctx.request.if_match.empty() || !ctx.request.if_none_match.empty(),
                        ReadReplica::Clock::now())) {
        std::optional<Result> result;
        try {
            if (shape == ReadShape::transaction)
                result.emplace(co_await replica->pool().run(f));
            else
                result.emplace(co_await replica->pool().read(f));
        } catch (DatabaseUnreachable const&) {
            replica->failed();
            ctx.app.metrics.replica_reads.with({"replica_failed"}).inc();
        }
        if (result) co_return std::move(*result);
    }
    if (shape == ReadShape::transaction) co_return co_await ctx.app.db.run(f);
    co_return co_await ctx.app.db.read(f);
}

}  // namespace server
