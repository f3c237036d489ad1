// The admin listener: plain HTTP on its own address and its own thread, for load balancers, orchestrators and
// Prometheus. GET /livez, /readyz and /metrics; no token, no SCIM, and never on the SCIM port. Its thread is its own
// so that it answers while the SCIM event loop is busy or stuck, and until the process exits.
#pragma once

#include <memory>
#include <string>

#include "server/health.hpp"
#include "server/server_metrics.hpp"

namespace server {

class AdminListener {
public:
    /// Binds `listen` (host:port; port 0 picks a free one) now. @throws StartupError.
    AdminListener(std::string const& listen, Health& health, ServerMetrics& metrics);
    ~AdminListener();
    AdminListener(AdminListener const&) = delete;
    AdminListener& operator=(AdminListener const&) = delete;

    /// "http://host:port", as bound.
    std::string url() const;
    /// Begins serving on a thread of its own, until destroyed.
    void start();

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace server
