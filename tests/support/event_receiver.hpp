// A push receiver of Security Event Tokens (RFC 8935) for the end-to-end tests: an HTTP server on 127.0.0.1 that
// keeps every SET POSTed to it and answers as the test says (202, 429 with Retry-After, slowly), and that can go
// down and come back on the same port.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

class EventReceiver {
public:
    struct Answer {
        int status = 202;
        std::string retry_after;  // sent as Retry-After when not empty
        std::chrono::milliseconds delay{0};
        std::string body;  // sent as application/json when not empty: the receiver serves a document (a JWKS)
    };

    EventReceiver();
    ~EventReceiver();
    EventReceiver(EventReceiver const&) = delete;
    EventReceiver& operator=(EventReceiver const&) = delete;

    std::string url() const;  // http://127.0.0.1:<port>/events
    /// Answers every following request so; a request answered with a 2xx is kept.
    void answer(Answer a);
    /// Stops listening and closes open connections: the port refuses connections until up().
    void down();
    void up();

    /// The SETs accepted so far (compact JWS), in arrival order; and every request seen, accepted or not.
    std::vector<std::string> accepted();
    int requests();
    std::vector<std::string> authorizations();
    /// Waits until `n` SETs were accepted or `wait` passed; whether they were.
    bool wait_for(std::size_t n, std::chrono::milliseconds wait);

private:
    struct State;
    std::shared_ptr<State> state_;
};
