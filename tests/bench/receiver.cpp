// A push receiver for the benchmark: accepts every SET POSTed to it with 202 over kept-alive connections, a thread
// per connection, and does nothing else, so that it costs the machine little next to the scimd being measured.
// usage: bench_receiver PORT
#include <cstdlib>
#include <iostream>
#include <thread>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: bench_receiver PORT\n";
        return 2;
    }
    net::io_context ioc;
    tcp::acceptor acceptor(ioc, {net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::atoi(argv[1]))});
    for (;;) {
        tcp::socket socket(ioc);
        acceptor.accept(socket);
        std::thread([s = std::move(socket)]() mutable {
            boost::beast::flat_buffer buffer;
            boost::system::error_code ec;
            for (;;) {
                http::request<http::string_body> req;
                http::read(s, buffer, req, ec);
                if (ec) return;
                http::response<http::empty_body> res{http::status::accepted, req.version()};
                res.keep_alive(req.keep_alive());
                res.content_length(0);
                http::write(s, res, ec);
                if (ec || !req.keep_alive()) return;
            }
        }).detach();
    }
}
