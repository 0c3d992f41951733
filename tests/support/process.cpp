#include "tests/support/process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

#include "tests/support/host.hpp"

namespace skiff::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kPollSliceMs = 20;          // how often a waiting loop looks for the exit
constexpr auto kHeldOpenGrace = 1000ms;   // output still accepted after the process exited
constexpr auto kDrainAfterKill = 1000ms;  // output still read after SIGKILL to the group

// What the child reports through the close-on-exec pipe when it fails before execve.
struct ChildFailure {
    int stage;  // 1: chdir, 2: execve, 3: chroot, 4: set ids
    int error;
};

struct Pipe {
    UniqueFd read, write;
};

Pipe make_pipe() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// execvp's PATH search, done before fork so that the child only calls async-signal-safe code.
std::string resolve_executable(const std::string& name, const std::optional<EnvMap>& env) {
    if (name.find('/') != std::string::npos) return name;
    std::string path = "/usr/local/bin:/usr/bin:/bin";
    if (env) {
        if (auto it = env->find("PATH"); it != env->end()) path = it->second;
    } else if (const char* p = std::getenv("PATH")) {
        path = p;
    }
    std::size_t begin = 0;
    while (begin <= path.size()) {
        std::size_t end = std::min(path.find(':', begin), path.size());
        std::string dir = path.substr(begin, end - begin);
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        if (is_executable_file(candidate)) return candidate;
        begin = end + 1;
    }
    return name;  // execve fails with ENOENT: status 127, as a shell would say
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// In the child between fork and execve: async-signal-safe calls only.
// Enter the confinement's root and drop to its ids; the failing stage, or 0.
int confine_child(const Confinement* confine) {
    if (confine == nullptr) return 0;
    // pivot_root(".", ".") stacks the old root under the new one; detaching it leaves the new.
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::chdir(confine->root.c_str()) != 0 || ::syscall(SYS_pivot_root, ".", ".") != 0 ||
        ::umount2(".", MNT_DETACH) != 0 || ::chdir("/") != 0)
        return 3;
    if (::setgroups(0, nullptr) != 0 || ::setgid(confine->gid) != 0 || ::setuid(confine->uid) != 0) return 4;
    return 0;
}

[[noreturn]] void exec_child(const std::string& exe, char* const* argv, char* const* envp, const char* cwd,
                             const Confinement* confine, const std::array<int, 3>& stdio, int report_fd) {
    ::setpgid(0, 0);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);  // undo SIG_IGN (SIGPIPE)
    for (int fd = 0; fd < 3; ++fd) {
        int from = stdio[static_cast<std::size_t>(fd)];
        if (from == fd) {
            ::fcntl(fd, F_SETFD, 0);  // already in place: only drop close-on-exec
        } else {
            ::dup2(from, fd);
        }
    }
    ChildFailure failure{confine_child(confine), 0};
    if (failure.stage == 0) {
        failure.stage = 1;
        if (cwd == nullptr || ::chdir(cwd) == 0) {
            ::execve(exe.c_str(), argv, envp);
            failure.stage = 2;
        }
    }
    failure.error = errno;
    ssize_t ignored = ::write(report_fd, &failure, sizeof failure);
    (void)ignored;
    ::_exit(127);
}

void decode_status(int wstatus, ProcessResult& r) {
    if (WIFEXITED(wstatus)) {
        r.status = WEXITSTATUS(wstatus);
    } else if (WIFSIGNALED(wstatus)) {
        r.term_signal = WTERMSIG(wstatus);
        r.status = 128 + r.term_signal;
    }
}

// Reads what the child reported before execve; empty when execve succeeded.
std::optional<std::string> read_child_failure(int fd, const std::string& exe, const RunOptions& opts) {
    ChildFailure failure{};
    ssize_t n;
    do {
        n = ::read(fd, &failure, sizeof failure);
    } while (n < 0 && errno == EINTR);
    if (n != static_cast<ssize_t>(sizeof failure)) return std::nullopt;
    std::string what = failure.stage == 1   ? "chdir '" + opts.cwd.value_or("") + "'"
                       : failure.stage == 3 ? "pivot_root '" + (opts.confine ? opts.confine->root : "") + "'"
                       : failure.stage == 4 ? std::string("setuid")
                                            : "execve '" + exe + "'";
    return "run_process: " + what + ": " + std::strerror(failure.error) + "\n";
}

// "PID cmdline" of every process that has `pipe` open, read from /proc/*/fd.
std::string processes_holding(int pipe) {
    struct stat st {};
    if (::fstat(pipe, &st) != 0) return "?";
    const std::string target = "pipe:[" + std::to_string(st.st_ino) + "]";
    auto holds = [&](pid_t pid) { return holds_descriptor(pid, [&](const std::string& t) { return t == target; }); };
    std::string holders;
    for (pid_t pid : processes_where(holds)) holders += (holders.empty() ? "" : "; ") + std::to_string(pid) + " " + cmdline_of(pid);
    return holders.empty() ? "none found in /proc" : holders;
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const ProcessResult& r) {
    os << "status " << r.status;
    if (r.term_signal != 0) os << " (signal " << r.term_signal << ")";
    if (r.timed_out) os << " TIMED OUT";
    if (r.exec_failed) os << " EXEC FAILED";
    if (r.output_held_open) os << " (pipes held open after exit)";
    return os << "\n--- stdout ---\n" << r.out << "\n--- stderr ---\n" << r.err << "\n--- end ---\n";
}

EnvMap current_environment() {
    EnvMap env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        std::string_view kv(*e);
        auto eq = kv.find('=');
        if (eq == std::string_view::npos) continue;
        env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    return env;
}

BackgroundProcess start_process(const std::vector<std::string>& argv, const RunOptions& opts) {
    if (argv.empty()) throw std::invalid_argument("start_process: empty argv");
    // Writing stdin to a process that already exited must give EPIPE, not kill the test.
    ::signal(SIGPIPE, SIG_IGN);
    // Inside a confinement the program is named by its path there.
    std::string exe = opts.confine ? argv[0] : resolve_executable(argv[0], opts.env);
    std::vector<std::string> args = argv;
    std::vector<std::string> env_strings;
    if (opts.env) {
        for (const auto& [k, v] : *opts.env) env_strings.push_back(k + "=" + v);
    }
    std::vector<char*> c_args = c_strings(args);
    std::vector<char*> c_env = c_strings(env_strings);
    char* const* envp = opts.env ? c_env.data() : environ;

    Pipe in = opts.stdin_text ? make_pipe() : Pipe{};
    if (!opts.stdin_text) in.read.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    Pipe out = make_pipe(), err = make_pipe(), report = make_pipe();
    std::array<int, 3> stdio{in.read.get(), out.write.get(), err.write.get()};

    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        exec_child(exe, c_args.data(), envp, opts.cwd ? opts.cwd->c_str() : nullptr,
                   opts.confine ? &*opts.confine : nullptr, stdio, report.write.get());
    }
    ::setpgid(pid, pid);  // also done by the child; whichever runs first wins the race

    BackgroundProcess p;
    p.pid_ = pid;
    p.argv0_ = argv[0];
    p.reaped_ = false;
    p.deadline_ = Clock::now() + opts.timeout;
    report.write.reset();
    if (auto failure = read_child_failure(report.read.get(), exe, opts)) {
        p.result_.exec_failed = true;
        p.result_.err = *failure;
    }
    p.out_ = std::move(out.read);
    p.err_ = std::move(err.read);
    set_nonblocking(p.out_.get());
    set_nonblocking(p.err_.get());
    if (opts.stdin_text) {
        p.in_ = std::move(in.write);
        p.stdin_text_ = *opts.stdin_text;
        set_nonblocking(p.in_.get());
    }
    return p;
}

ProcessResult run_process(const std::vector<std::string>& argv, const RunOptions& opts) {
    return start_process(argv, opts).wait();
}

BackgroundProcess::BackgroundProcess(BackgroundProcess&& other) noexcept { *this = std::move(other); }

BackgroundProcess& BackgroundProcess::operator=(BackgroundProcess&& other) noexcept {
    if (this == &other) return *this;
    if (!reaped_) kill_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    argv0_ = std::move(other.argv0_);
    reaped_ = std::exchange(other.reaped_, true);
    in_ = std::move(other.in_);
    out_ = std::move(other.out_);
    err_ = std::move(other.err_);
    stdin_text_ = std::move(other.stdin_text_);
    stdin_written_ = other.stdin_written_;
    deadline_ = other.deadline_;
    result_ = std::move(other.result_);
    return *this;
}

BackgroundProcess::~BackgroundProcess() {
    if (!reaped_) kill_and_reap();
}

bool BackgroundProcess::send_signal(int sig) const { return !reaped_ && ::kill(pid_, sig) == 0; }

bool BackgroundProcess::signal_group(int sig) const { return pid_ > 0 && ::kill(-pid_, sig) == 0; }

// The process may have left our process group (setsid), so it is also killed by pid.
void BackgroundProcess::kill_group() {
    ::kill(-pid_, SIGKILL);
    if (!reaped_) ::kill(pid_, SIGKILL);
}

void BackgroundProcess::kill_and_reap() {
    kill_group();
    reap(true);
}

void BackgroundProcess::reap(bool block) {
    if (reaped_) return;
    int wstatus = 0;
    pid_t r;
    do {
        r = ::waitpid(pid_, &wstatus, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid_) {
        decode_status(wstatus, result_);
        reaped_ = true;
    } else if (r < 0) {
        reaped_ = true;  // not our child any more (ECHILD): nothing left to reap
    }
}

// One poll over the open pipes; false when no pipe is open any more.
bool BackgroundProcess::pump_once(int timeout_ms) {
    std::array<pollfd, 3> fds{};
    nfds_t n = 0;
    if (out_.valid()) fds[n++] = {out_.get(), POLLIN, 0};
    if (err_.valid()) fds[n++] = {err_.get(), POLLIN, 0};
    if (in_.valid()) fds[n++] = {in_.get(), POLLOUT, 0};
    if (n == 0) return false;
    if (::poll(fds.data(), n, timeout_ms) <= 0) return true;
    for (nfds_t i = 0; i < n; ++i) {
        if (fds[i].revents == 0) continue;
        if (fds[i].fd == in_.get()) {
            ssize_t w = ::write(in_.get(), stdin_text_.data() + stdin_written_, stdin_text_.size() - stdin_written_);
            if (w > 0) stdin_written_ += static_cast<std::size_t>(w);
            if ((w < 0 && errno != EAGAIN) || stdin_written_ == stdin_text_.size()) in_.reset();
            continue;
        }
        bool is_out = fds[i].fd == out_.get();
        std::array<char, 65536> buf{};
        ssize_t r = ::read(fds[i].fd, buf.data(), buf.size());
        if (r > 0) {
            (is_out ? result_.out : result_.err).append(buf.data(), static_cast<std::size_t>(r));
        } else if (r == 0 || errno != EAGAIN) {
            (is_out ? out_ : err_).reset();
        }
    }
    return true;
}

void BackgroundProcess::pump(Clock::time_point deadline, std::string_view needle) {
    while (out_.valid() || err_.valid()) {
        bool found = !needle.empty() && (result_.out.find(needle) != std::string::npos ||
                                         result_.err.find(needle) != std::string::npos);
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (found || left.count() <= 0) return;
        pump_once(static_cast<int>(std::min<long>(left.count(), kPollSliceMs)));
    }
}

bool BackgroundProcess::wait_for_output(std::string_view needle, std::chrono::milliseconds timeout) {
    pump(Clock::now() + timeout, needle);
    return result_.out.find(needle) != std::string::npos || result_.err.find(needle) != std::string::npos;
}

ProcessResult BackgroundProcess::wait(std::chrono::milliseconds timeout) {
    deadline_ = Clock::now() + timeout;
    return wait();
}

ProcessResult BackgroundProcess::wait() {
    std::optional<Clock::time_point> exited_at;
    for (;;) {
        auto now = Clock::now();
        reap(false);
        if (reaped_ && !exited_at) exited_at = now;
        if (reaped_ && !out_.valid() && !err_.valid()) break;
        if (!reaped_ && now >= deadline_) {
            result_.timed_out = true;
            break;
        }
        if (exited_at && now - *exited_at > kHeldOpenGrace) {
            result_.output_held_open = true;
            // A process the command left behind is a leak in the product, not noise: fail.
            ADD_FAILURE() << "'" << argv0_ << "' exited, but its output is still held open by: "
                          << processes_holding(out_.valid() ? out_.get() : err_.get());
            break;
        }
        if (!pump_once(kPollSliceMs)) ::usleep(kPollSliceMs * 1000);  // pipes closed, still running
    }
    if (result_.timed_out || result_.output_held_open) {
        kill_group();
        pump(Clock::now() + kDrainAfterKill, {});
    }
    in_.reset();
    out_.reset();
    err_.reset();
    reap(true);
    return result_;
}

}  // namespace skiff::test
