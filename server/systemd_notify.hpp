// Telling systemd how the service stands (sd_notify's protocol: a datagram to $NOTIFY_SOCKET), so that a unit of
// Type=notify is "active" only once scimd listens. Written here to need no libsystemd; a no-op outside systemd.
#pragma once

#include <string_view>

namespace server {

/// Sends `state` ("READY=1", "STOPPING=1", "RELOADING=1", "STATUS=...") when $NOTIFY_SOCKET is set.
void notify_systemd(std::string_view state) noexcept;

}  // namespace server
