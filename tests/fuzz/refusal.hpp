// What every fuzz target asks of a refusal: it is the client's mistake, a 4xx. A scim::Error of status 500 or more
// for some input is a server error a client could provoke: the target stops, and its input becomes a unit test.
#pragma once

#include <cstdlib>

#include "scim/error.hpp"

inline void client_error_only(scim::Error const& e) {
    if (e.status() >= 500) std::abort();
}
