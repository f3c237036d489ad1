// Runs the built scimd binary for end-to-end tests: `serve` on 127.0.0.1:0 with a fresh certificate, and the
// administrative commands.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

/// What a finished command printed and returned.
struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// Runs `scimd <args>` to completion with SCIMD_DATABASE_URL set to `database_url` (unless empty) and any
/// extra environment variables.
CommandResult run_scimd(std::vector<std::string> const& args, std::string const& database_url,
                        std::map<std::string, std::string> const& env = {});

/// run_scimd with `input` on the command's standard input.
CommandResult run_scimd_with_input(std::vector<std::string> const& args, std::string const& database_url,
                                   std::string const& input, std::map<std::string, std::string> const& env = {});

/// When SCIMD_TEST_ARTIFACTS names a directory, the suite leaves there what a later check reads: every server's log
/// and its last /metrics, and every secret it handed out (tokens issued, passwords sent), one per line, so that the
/// check can prove none reached a log. SCIMD_TEST_LOG_FORMAT (text or json) chooses the servers' --log-format.
void record_secret(std::string const& secret);

/// `scimd serve` in a child process, stopped (SIGTERM) when this object goes. Its admin listener is on a free port.
class ScimdServer {
public:
    struct Options {
        bool tls = true;
        std::vector<std::string> extra_args;    // e.g. {"--max-body-bytes", "4096"}
        bool internal_errors_expected = false;  // the test provokes a 500 (a failing trigger) on purpose
    };

    ScimdServer(std::string database_url, Options options);
    ScimdServer(ScimdServer const&) = delete;
    ScimdServer& operator=(ScimdServer const&) = delete;
    ~ScimdServer();

    unsigned short port() const { return port_; }
    unsigned short admin_port() const { return admin_port_; }
    bool tls() const { return tls_; }
    /// Sends `signal` (SIGTERM unless told) and waits; returns the exit code (128 + signal when killed by one).
    /// The test fails when scimd did not exit as that signal asks (0 for SIGTERM and SIGINT, killed for others), or
    /// logged an internal error it was not told to expect, or a sanitizer reported anything.
    int stop(int signal = SIGTERM);
    /// Sends `signal` and returns at once.
    void signal(int signal);
    /// Waits up to `wait` for `text` to appear in the log; whether it did.
    bool wait_for_log(std::string const& text, std::chrono::milliseconds wait);
    /// Everything the server wrote to stderr so far.
    std::string log();

private:
    void read_output(int fd);

    pid_t pid_ = -1;
    bool tls_ = true;
    bool internal_errors_expected_ = false;
    bool judged_ = true;  // whether stop() judges how it exited (not when it never started)
    unsigned short port_ = 0;
    unsigned short admin_port_ = 0;
    std::thread reader_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::string log_;
    bool closed_ = false;
};

/// A self-signed certificate and key for 127.0.0.1, made once per test process.
struct TestCertificate {
    std::string cert_file;
    std::string key_file;
};
TestCertificate const& test_certificate();
