// The test push receiver, on Boost.Beast with a thread per connection.
#include "tests/support/event_receiver.hpp"

#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct EventReceiver::State : std::enable_shared_from_this<EventReceiver::State> {
    std::mutex mutex;
    std::condition_variable changed;
    Answer answer;
    std::vector<std::string> accepted;
    std::vector<std::string> authorizations;
    int requests = 0;
    unsigned short port = 0;
    net::io_context ioc;
    std::unique_ptr<tcp::acceptor> acceptor;
    std::vector<std::shared_ptr<tcp::socket>> sockets;
    std::thread accepting;
    std::vector<std::thread> connections;
    bool stopping = false;

    void listen() {
        acceptor = std::make_unique<tcp::acceptor>(ioc);
        tcp::endpoint const endpoint(net::ip::make_address("127.0.0.1"), port);
        acceptor->open(endpoint.protocol());
        acceptor->set_option(net::socket_base::reuse_address(true));
        acceptor->bind(endpoint);
        acceptor->listen();
        port = acceptor->local_endpoint().port();
        accepting = std::thread([self = shared_from_this()] { self->accept_loop(); });
    }

    void accept_loop() {
        for (;;) {
            auto socket = std::make_shared<tcp::socket>(ioc);
            boost::system::error_code ec;
            acceptor->accept(*socket, ec);
            if (ec) return;
            std::lock_guard lock(mutex);
            if (stopping) return;
            sockets.push_back(socket);
            connections.emplace_back([self = shared_from_this(), socket] { self->serve(*socket); });
        }
    }

    void serve(tcp::socket& socket) {
        beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> req;
            boost::system::error_code ec;
            http::read(socket, buffer, req, ec);
            if (ec) return;
            Answer a;
            {
                std::lock_guard lock(mutex);
                ++requests;
                a = answer;
            }
            if (a.delay.count() > 0) std::this_thread::sleep_for(a.delay);
            http::response<http::string_body> res{static_cast<http::status>(a.status), 11};
            if (!a.retry_after.empty()) res.set(http::field::retry_after, a.retry_after);
            res.keep_alive(req.keep_alive());
            if (!a.body.empty()) {
                res.set(http::field::content_type, "application/json");
                res.body() = a.body;
            }
            res.prepare_payload();
            {
                std::lock_guard lock(mutex);
                if (a.status >= 200 && a.status < 300) {
                    accepted.push_back(req.body());
                    authorizations.emplace_back(req[http::field::authorization]);
                }
                changed.notify_all();
            }
            http::write(socket, res, ec);
            if (ec || !req.keep_alive()) return;
        }
    }

    void close_all() {
        std::vector<std::thread> threads;
        {
            std::lock_guard lock(mutex);
            stopping = true;
            boost::system::error_code ignored;
            // shutdown wakes a thread blocked in accept or read; close alone would not on Linux.
            if (acceptor) {
                ::shutdown(acceptor->native_handle(), SHUT_RDWR);
                acceptor->close(ignored);
            }
            for (auto& s : sockets) s->shutdown(tcp::socket::shutdown_both, ignored);
            threads.swap(connections);
        }
        if (accepting.joinable()) accepting.join();
        for (auto& t : threads) t.join();
        std::lock_guard lock(mutex);
        sockets.clear();
        acceptor.reset();
        stopping = false;
    }
};

EventReceiver::EventReceiver() : state_(std::make_shared<State>()) { state_->listen(); }

EventReceiver::~EventReceiver() { state_->close_all(); }

std::string EventReceiver::url() const { return "http://127.0.0.1:" + std::to_string(state_->port) + "/events"; }

void EventReceiver::answer(Answer a) {
    std::lock_guard lock(state_->mutex);
    state_->answer = a;
}

void EventReceiver::down() { state_->close_all(); }

void EventReceiver::up() { state_->listen(); }

std::vector<std::string> EventReceiver::accepted() {
    std::lock_guard lock(state_->mutex);
    return state_->accepted;
}

std::vector<std::string> EventReceiver::authorizations() {
    std::lock_guard lock(state_->mutex);
    return state_->authorizations;
}

int EventReceiver::requests() {
    std::lock_guard lock(state_->mutex);
    return state_->requests;
}

bool EventReceiver::wait_for(std::size_t n, std::chrono::milliseconds wait) {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, wait, [&] { return state_->accepted.size() >= n; });
}
