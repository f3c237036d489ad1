// Child processes of the end-to-end tests.
#include "tests/support/scimd_process.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <stdexcept>

#include "tests/support/https_client.hpp"

#ifndef SCIMD_BINARY_PATH
#error "SCIMD_BINARY_PATH must name the built scimd"
#endif

extern char** environ;

namespace {

struct Pipe {
    int read_end = -1, write_end = -1;
    Pipe() {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        read_end = fds[0];
        write_end = fds[1];
    }
};

std::vector<std::string> environment_with(std::string const& database_url,
                                          std::map<std::string, std::string> const& env) {
    std::map<std::string, std::string> merged;
    for (char** e = environ; *e; ++e) {
        std::string entry(*e);
        auto const eq = entry.find('=');
        if (eq == std::string::npos || entry.rfind("SCIMD_", 0) == 0) continue;  // no settings leak in from outside
        merged[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    if (!database_url.empty()) merged["SCIMD_DATABASE_URL"] = database_url;
    merged["SCIMD_EGRESS_ALLOW"] = "127.0.0.1";  // the tests' receivers and issuers are on the loopback
    for (auto const& [k, v] : env) merged[k] = v;
    std::vector<std::string> out;
    for (auto const& [k, v] : merged) out.push_back(k + "=" + v);
    return out;
}

// The scimd under test: SCIMD_BINARY when set (deploy/test.sh runs the suite against the sanitizer build's scimd
// this way), else the one built beside this suite.
std::string const& scimd_binary() {
    static std::string const path = [] {
        char const* chosen = std::getenv("SCIMD_BINARY");
        return std::string(chosen && *chosen ? chosen : SCIMD_BINARY_PATH);
    }();
    return path;
}

pid_t spawn(std::vector<std::string> const& args, std::vector<std::string> const& env, int out_fd, int err_fd,
            int in_fd = -1) {
    std::vector<char*> argv{const_cast<char*>(scimd_binary().c_str())};
    for (auto const& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto const& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t const pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (in_fd >= 0) dup2(in_fd, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        execve(scimd_binary().c_str(), argv.data(), envp.data());
        _exit(127);
    }
    return pid;
}

std::string read_all(int fd) {
    std::string out;
    char buffer[4096];
    for (;;) {
        auto const n = read(fd, buffer, sizeof buffer);
        if (n > 0) {
            out.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    return out;
}

int wait_exit(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string artifacts_dir() {
    char const* dir = std::getenv("SCIMD_TEST_ARTIFACTS");
    return dir && *dir ? dir : "";
}

// The end of a log, for a failure message.
std::string tail(std::string const& log) { return log.size() > 3000 ? log.substr(log.size() - 3000) : log; }

unsigned short port_after(std::string const& log, std::string_view marker) {
    auto const at = log.find(marker);
    if (at == std::string::npos) return 0;
    auto const colon = log.find(':', log.find("127.0.0.1", at));
    return static_cast<unsigned short>(std::stoi(log.substr(colon + 1)));
}

}  // namespace

void record_secret(std::string const& secret) {
    auto const dir = artifacts_dir();
    if (dir.empty() || secret.size() < 6) return;
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::ofstream(dir + "/secrets.txt", std::ios::app) << secret << "\n";
}

CommandResult run_scimd(std::vector<std::string> const& args, std::string const& database_url,
                        std::map<std::string, std::string> const& env) {
    return run_scimd_with_input(args, database_url, "", env);
}

CommandResult run_scimd_with_input(std::vector<std::string> const& args, std::string const& database_url,
                                   std::string const& input, std::map<std::string, std::string> const& env) {
    Pipe in, out, err;
    auto const pid = spawn(args, environment_with(database_url, env), out.write_end, err.write_end, in.read_end);
    close(in.read_end);
    close(out.write_end);
    close(err.write_end);
    std::thread writer([&] {
        for (std::size_t at = 0; at < input.size();) {
            auto const n = write(in.write_end, input.data() + at, input.size() - at);
            if (n <= 0) break;
            at += static_cast<std::size_t>(n);
        }
        close(in.write_end);
    });
    CommandResult result;
    std::thread err_reader([&] { result.err = read_all(err.read_end); });
    result.out = read_all(out.read_end);
    err_reader.join();
    writer.join();
    close(out.read_end);
    close(err.read_end);
    result.exit_code = wait_exit(pid);
    if (result.exit_code == 0 && args.size() >= 2 && args[0] == "token" && args[1] == "issue") {
        auto token = result.out;
        while (!token.empty() && token.back() == '\n') token.pop_back();
        record_secret(token);
    }
    return result;
}

ScimdServer::ScimdServer(std::string database_url, Options options)
    : tls_(options.tls), internal_errors_expected_(options.internal_errors_expected) {
    std::vector<std::string> args{"serve",
                                  "--listen",
                                  "127.0.0.1:0",
                                  "--admin-listen",
                                  "127.0.0.1:0",
                                  "--token-cache-ms",
                                  "0",
                                  "--io-threads",
                                  "2",
                                  "--db-connections",
                                  "4"};
    if (char const* format = std::getenv("SCIMD_TEST_LOG_FORMAT"); format && *format)
        args.insert(args.end(), {"--log-format", format});
    if (options.tls) {
        auto const& cert = test_certificate();
        args.insert(args.end(), {"--tls-cert", cert.cert_file, "--tls-key", cert.key_file});
    } else {
        args.push_back("--no-tls");
    }
    args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
    Pipe err;
    int const devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    pid_ = spawn(args, environment_with(database_url, {}), devnull, err.write_end);
    close(devnull);
    close(err.write_end);
    reader_ = std::thread([this, fd = err.read_end] { read_output(fd); });

    std::unique_lock lock(mutex_);
    constexpr std::string_view marker = "listening on http";
    bool const ready = changed_.wait_for(lock, std::chrono::seconds(30),
                                         [&] { return closed_ || log_.find(marker) != std::string::npos; });
    auto const at = log_.find(marker);
    if (!ready || at == std::string::npos) {
        auto const output = log_;
        lock.unlock();
        judged_ = false;
        stop();
        throw std::runtime_error("scimd serve did not start:\n" + output);
    }
    port_ = port_after(log_, marker);
    admin_port_ = port_after(log_, "/metrics at http");
}

void ScimdServer::read_output(int fd) {
    char buffer[4096];
    for (;;) {
        auto const n = read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        std::lock_guard lock(mutex_);
        if (n <= 0) {
            closed_ = true;
            changed_.notify_all();
            break;
        }
        log_.append(buffer, static_cast<std::size_t>(n));
        changed_.notify_all();
    }
    close(fd);
}

int ScimdServer::stop(int signal) {
    if (pid_ < 0) return -1;
    auto const dir = artifacts_dir();
    std::string metrics;
    std::string scraped_at;  // requests the log shows after this are not in the scrape
    if (!dir.empty() && admin_port_ != 0) {
        try {
            auto const now = std::chrono::system_clock::now();
            auto const t = std::chrono::system_clock::to_time_t(now);
            std::tm utc{};
            gmtime_r(&t, &utc);
            char stamp[32];
            std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
            auto const millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
            scraped_at = std::string(stamp) + "." + std::to_string(1000 + millis % 1000).substr(1) + "Z";
            metrics = HttpsClient(admin_port_, false).request("GET", "/metrics").body;
        } catch (std::exception const&) {
        }
    }
    int status = 0;
    bool const running = waitpid(pid_, &status, WNOHANG) == 0;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (running) {
        kill(pid_, signal);
        code = wait_exit(pid_);
    }
    pid_ = -1;
    if (reader_.joinable()) reader_.join();
    if (!dir.empty()) {
        auto const name = dir + "/scimd-" + std::to_string(getpid()) + "-" + std::to_string(port_);
        std::ofstream(name + ".log") << log_;
        if (!metrics.empty()) {
            std::ofstream(name + ".prom") << metrics;
            std::ofstream(name + ".scraped") << scraped_at << "\n";
        }
    }
    // Built with sanitizers, a report from the server fails the test that ran it, even when its answers looked right.
    for (std::string_view marker :
         {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error: ", "WARNING: ThreadSanitizer"}) {
        auto const at = log_.find(marker);
        if (at != std::string::npos) FAIL_CHECK("scimd reported: " << log_.substr(at, 4000));
    }
    // A server that stopped by itself, or that a graceful signal did not stop cleanly, failed whatever its answers.
    bool const graceful = signal == SIGTERM || signal == SIGINT;
    if (!judged_) return code;  // it never started: the constructor says why
    if (!running) FAIL_CHECK("scimd had exited before the test stopped it (exit " << code << "):\n" << tail(log_));
    if (running && graceful && code != 0)
        FAIL_CHECK("scimd exited with " << code << " after signal " << signal << ":\n" << tail(log_));
    if (!internal_errors_expected_ && log_.find("internal error") != std::string::npos)
        FAIL_CHECK("scimd logged an internal error: " << log_.substr(
                       log_.find("internal error") - std::min<std::size_t>(log_.find("internal error"), 200), 600));
    return code;
}

ScimdServer::~ScimdServer() { stop(); }

void ScimdServer::signal(int signal) {
    if (pid_ > 0) kill(pid_, signal);
}

bool ScimdServer::wait_for_log(std::string const& text, std::chrono::milliseconds wait) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, wait, [&] { return log_.find(text) != std::string::npos; });
}

std::string ScimdServer::log() {
    std::lock_guard lock(mutex_);
    return log_;
}

TestCertificate const& test_certificate() {
    static TestCertificate const certificate = [] {
        char dir_template[] = "/tmp/scimd-e2e-cert.XXXXXX";
        char const* dir = mkdtemp(dir_template);
        if (!dir) throw std::runtime_error("mkdtemp failed");
        TestCertificate c{std::string(dir) + "/cert.pem", std::string(dir) + "/key.pem"};
        std::string const command =
            "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
            "-addext subjectAltName=IP:127.0.0.1 -keyout " +
            c.key_file + " -out " + c.cert_file + " 2>/dev/null";
        if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
        return c;
    }();
    return certificate;
}
