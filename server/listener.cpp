// The accept loop.
#include "server/listener.hpp"

#include <boost/asio.hpp>

#include "server/log.hpp"

namespace server {
namespace {

using tcp = net::ip::tcp;
inline constexpr auto as_tuple_awaitable = net::as_tuple(net::use_awaitable);

}  // namespace

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, ServerState& server, net::io_context& ioc) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), as_tuple_awaitable);
        if (ec) {
            if (!acceptor.is_open() || ec == net::error::operation_aborted) co_return;
            log_line("accept failed: " + ec.message(),
                     LogLevel::warning);  // e.g. out of file descriptors: keep serving the rest
            net::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(as_tuple_awaitable);
            continue;
        }
        boost::system::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto executor = socket.get_executor();
        net::co_spawn(executor, run_connection(std::move(socket), server), [](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (std::exception const& x) {
                log_line(std::string("connection failed: ") + x.what(), LogLevel::error);
            }
        });
    }
}

}  // namespace server
