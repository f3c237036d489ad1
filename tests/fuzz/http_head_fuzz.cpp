// libFuzzer target: any bytes a client sends are read by Beast's request parser as the server reads them, and a head
// that parses goes through what the server decides before the database: framing, target, route and body limit.
// Only a parse error or scim::Error may come out. (Authentication and handlers need the database; they are covered
// by the end-to-end tests.)
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "scim/error.hpp"
#include "server/http_framing.hpp"
#include "server/route.hpp"
#include "tests/fuzz/refusal.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    namespace http = boost::beast::http;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(32 * 1024);
    parser.body_limit(boost::none);
    parser.eager(false);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(data, size), ec);
    if (ec || !parser.is_header_done()) return 0;
    auto const& head = parser.get();
    (void)server::framing_problem(head);
    try {
        auto const url = server::parse_target(head.target());
        auto const route = server::resolve_route(url);
        (void)route.body_kind();
        (void)route.is_search();
    } catch (scim::Error const& e) {
        client_error_only(e);
    }
    return 0;
}
