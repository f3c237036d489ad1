// A plain TCP connection that sends exactly the bytes a test writes, for requests no HTTP library would send:
// smuggling-shaped framing, a head dripped byte by byte, a header announcing a body that never comes.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

class RawConnection {
public:
    /// Connects to 127.0.0.1:port (a server started with --no-tls).
    explicit RawConnection(unsigned short port);
    ~RawConnection();

    /// Sends `bytes` as they are. Returns false when the server has closed the connection.
    bool send(std::string_view bytes);
    /// Reads what arrives until the server closes the connection or `wait` passes with nothing new.
    std::string read_until_closed(std::chrono::milliseconds wait = std::chrono::milliseconds(3000));
    /// Reads until `marker` has arrived (or the connection closes, or `wait` passes); returns what was read so far.
    std::string read_until(std::string_view marker, std::chrono::milliseconds wait = std::chrono::milliseconds(3000));
    /// Whether the last read ended because the server closed the connection.
    bool closed() const { return closed_; }

private:
    int fd_ = -1;
    bool closed_ = false;
    std::string received_;
};
