#include "bench/latency_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
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

ExecVectors Runner::vectors(Case& c) const {
    ExecVectors v{{}, envp_, {}};
    for (std::string& word : c.argv) v.argv.push_back(word.data());
    v.argv.push_back(nullptr);
    if (c.env.empty()) return v;
    for (char** e = envp_; *e; ++e) {
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

// The clock runs from fork to reaping: what a user waits for, including the launcher's exit.
Result<Outcome> Runner::run(const ExecVectors& v) const {
    if (::ftruncate(err_.get(), 0) != 0 || ::lseek(err_.get(), 0, SEEK_SET) != 0)
        return fail_errno("reset the stderr memfd");
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid < 0) return fail_errno("fork");
    if (pid == 0) exec_child(v);
    Outcome r;
    r.timed_out = !wait_exit(pid);
    if (r.timed_out) ::kill(pid, SIGKILL);
    while (::waitpid(pid, &r.status, 0) < 0) {
        if (errno != EINTR) return fail_errno("waitpid");
    }
    r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return r;
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

// True once the child has exited, false on timeout. A pidfd (Linux 5.3) can be polled with a
// timeout and needs no signal handler; pidfd_open works on an exited child not yet reaped.
// Raw syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C" (fixed in 2.37).
bool Runner::wait_exit(pid_t pid) const {
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U)));
    if (!pidfd.valid()) return true;  // no pidfd: waitpid then waits without a timeout
    pollfd p{pidfd.get(), POLLIN, 0};
    int n = 0;
    do n = ::poll(&p, 1, timeout_ms_);
    while (n < 0 && errno == EINTR);
    return n != 0;
}

}  // namespace skiff::bench
