#include "bench/latency_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>

namespace skiff::bench {
namespace {

constexpr std::size_t max_stderr_shown = 4096;

Unexpected<Error> fail_errno(const std::string& op) { return fail(op + ": " + std::strerror(errno)); }

}  // namespace

bool Outcome::ok() const { return !timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string Outcome::describe(int timeout_s) const {
    if (timed_out) return "timed out after " + std::to_string(timeout_s) + " s";
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "exit status " + std::to_string(WEXITSTATUS(status));
}

Result<Runner> Runner::open(Options& o) {
    Runner r;
    r.timeout_ms_ = o.timeout_s * 1000;
    r.null_.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!r.null_.valid()) return fail_errno("open /dev/null");
    r.err_.reset(::memfd_create("start_latency-stderr", MFD_CLOEXEC));
    if (!r.err_.valid()) return fail_errno("memfd_create");
    for (std::string& kv : o.env) r.env_.push_back(kv.data());
    r.env_.push_back(nullptr);
    r.envp_ = o.env.empty() ? environ : r.env_.data();  // a moved vector keeps its buffer
    return r;
}

namespace {

// argv and the environment: the runner's, with the case's own variables added or replacing.
ExecVectors make_vectors(std::vector<std::string>& argv, Case& c, char** envp) {
    ExecVectors v{{}, envp, {}};
    for (std::string& word : argv) v.argv.push_back(word.data());
    v.argv.push_back(nullptr);
    if (c.env.empty()) return v;
    for (char** e = envp; *e; ++e) {
        std::string_view kv = *e;
        bool replaced = false;
        for (const auto& mine : c.env)
            replaced = replaced || kv.substr(0, kv.find('=') + 1) == mine.substr(0, mine.find('=') + 1);
        if (!replaced) v.env.push_back(*e);
    }
    for (std::string& kv : c.env) v.env.push_back(kv.data());
    v.env.push_back(nullptr);
    v.envp = v.env.data();
    return v;
}

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

ExecVectors Runner::vectors(Case& c) const { return make_vectors(c.argv, c, envp_); }

ExecVectors Runner::setup_vectors(Case& c) const { return make_vectors(c.setup, c, envp_); }

// The clock runs from fork to reaping: what a user waits for, including the launcher's exit.
// A burst forks its copies one after the other; each is timed from its own fork.
Result<Outcome> Runner::run(const ExecVectors& v, int copies) const {
    if (::ftruncate(err_.get(), 0) != 0 || ::lseek(err_.get(), 0, SEEK_SET) != 0)
        return fail_errno("reset the stderr memfd");
    std::vector<Child> children;
    children.reserve(static_cast<std::size_t>(copies));
    Outcome r;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < copies; ++i) {
        auto child = start(v);
        if (!child) {
            for (Child& c : children) ::kill(c.pid, SIGKILL);
            if (auto reaped = reap_all(children, r); !reaped) return fail(reaped.error().message);
            return fail(child.error().message + " (copy " + std::to_string(i + 1) + " of " + std::to_string(copies) + ")");
        }
        children.push_back(std::move(*child));
    }
    if (auto reaped = reap_all(children, r); !reaped) return fail(reaped.error().message);
    r.ms = ms_since(t0);
    return r;
}

// A pidfd (Linux 5.3) can be polled with a timeout and needs no signal handler; pidfd_open
// works on an exited child not yet reaped. Raw syscall: glibc 2.36's <sys/pidfd.h> lacks
// extern "C" (fixed in 2.37).
Result<Runner::Child> Runner::start(const ExecVectors& v) const {
    Child c;
    c.start = std::chrono::steady_clock::now();
    c.pid = ::fork();
    if (c.pid < 0) return fail_errno("fork");
    if (c.pid == 0) exec_child(v);
    c.pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, c.pid, 0U)));
    if (!c.pidfd.valid()) {
        auto error = fail_errno("pidfd_open (Linux 5.3 or later)");
        ::kill(c.pid, SIGKILL);
        while (::waitpid(c.pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        return error;
    }
    return c;
}

// Reaps every child as it exits; at the timeout (from the first child's fork) kills the rest.
Result<void> Runner::reap_all(std::vector<Child>& children, Outcome& r) const {
    if (children.empty()) return {};
    std::vector<pollfd> fds;
    for (const Child& c : children) fds.push_back({c.pidfd.get(), POLLIN, 0});
    auto deadline = children.front().start + std::chrono::milliseconds(timeout_ms_);
    for (std::size_t left = children.size(); left > 0;) {
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        int wait_ms = r.timed_out ? -1 : static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, timeout_ms_));
        int n = ::poll(fds.data(), fds.size(), wait_ms);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail_errno("poll");
        if (n == 0 && !r.timed_out) {
            r.timed_out = true;
            for (std::size_t i = 0; i < fds.size(); ++i)
                if (fds[i].fd >= 0) ::kill(children[i].pid, SIGKILL);
            continue;
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            int status = 0;
            while (::waitpid(children[i].pid, &status, 0) < 0)
                if (errno != EINTR) return fail_errno("waitpid");
            if (!r.timed_out) r.each_ms.push_back(ms_since(children[i].start));
            if (r.status == 0) r.status = status;
            fds[i].fd = -1;
            --left;
        }
    }
    return {};
}

std::string Runner::captured_stderr() const {
    std::string text(max_stderr_shown, '\0');
    ssize_t n = ::pread(err_.get(), text.data(), text.size(), 0);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return text;
}

void Runner::exec_child(const ExecVectors& v) const {
    // dup2 clears FD_CLOEXEC on the copy; every other descriptor of ours is close-on-exec.
    if (::dup2(null_.get(), STDIN_FILENO) < 0 || ::dup2(null_.get(), STDOUT_FILENO) < 0 ||
        ::dup2(err_.get(), STDERR_FILENO) < 0)
        ::_exit(127);
    ::execve(v.argv[0], v.argv.data(), v.envp);
    const char* why = std::strerror(errno);  // the process is single-threaded: safe after fork
    for (const char* part : {"start_latency: execve ", static_cast<const char*>(v.argv[0]), ": ", why, "\n"})
        if (::write(STDERR_FILENO, part, std::strlen(part)) < 0) break;
    ::_exit(127);
}

}  // namespace skiff::bench
