// Prefix legend: cap_ libcap.
#include "namespaces/helper_program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>

#include "namespaces/pidfd.hpp"
#include "common/unique_fd.hpp"
#include "namespaces/spawn.hpp"

namespace skiff::ns {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t tail_limit = 4096;

// execve's arrays, built before fork.
struct ExecArgs {
    std::vector<std::string> entries;
    std::vector<char*> argv, envp;
    explicit ExecArgs(const HelperProgram& program) {
        argv = {const_cast<char*>(program.path.c_str()), nullptr};
        for (const auto& [name, value] : program.env) entries.push_back(name + "=" + value);
        for (auto& e : entries) envp.push_back(e.data());
        envp.push_back(nullptr);
    }
};

// A process that is not root in its user namespace loses every capability at execve unless
// it holds them as ambient capabilities (capabilities(7), "Transformation of capabilities").
void raise_ambient_capabilities() {
    std::unique_ptr<_cap_struct, int (*)(void*)> caps(cap_get_proc(), cap_free);
    if (!caps) return;
    std::vector<cap_value_t> held;
    for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; ++cap) {
        cap_flag_value_t value = CAP_CLEAR;
        if (cap_get_flag(caps.get(), cap, CAP_PERMITTED, &value) == 0 && value == CAP_SET) held.push_back(cap);
    }
    if (held.empty()) return;
    if (cap_set_flag(caps.get(), CAP_INHERITABLE, static_cast<int>(held.size()), held.data(), CAP_SET) != 0 ||
        cap_set_proc(caps.get()) != 0)
        return;
    for (cap_value_t cap : held) ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, static_cast<unsigned long>(cap), 0, 0);
}

bool same_file(const std::string& path, int fd) {
    struct stat by_path {}, by_fd {};
    return ::stat(path.c_str(), &by_path) == 0 && ::fstat(fd, &by_fd) == 0 && by_path.st_dev == by_fd.st_dev &&
           by_path.st_ino == by_fd.st_ino;
}

[[noreturn]] void exec_child(const HelperProgram& program, ExecArgs& args, const Pipe& out, const Pipe& err,
                             pid_t parent) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(125);  // the launcher died before PDEATHSIG was armed
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(out.write.get(), STDOUT_FILENO) < 0 ||
        ::dup2(err.write.get(), STDERR_FILENO) < 0 || ::chdir("/") != 0)
        ::_exit(125);
    if (program.keep_capabilities) raise_ambient_capabilities();
    if (same_file(program.path, program.program_fd)) {
        ::execve(program.path.c_str(), args.argv.data(), args.envp.data());
    } else {
        // Executed through its fd, a script is read by its interpreter as /dev/fd/N, which
        // must therefore survive the exec: a dup has no O_CLOEXEC (execveat(2) NOTES).
        int fd = ::dup(program.program_fd);
        ::syscall(SYS_execveat, fd, "", args.argv.data(), args.envp.data(), AT_EMPTY_PATH);
    }
    std::string message = "cannot execute " + program.path + ": " + std::strerror(errno) + "\n";
    (void)!::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(126);
}

void append_tail(std::string& tail, const char* data, std::size_t size) {
    tail.append(data, size);
    if (tail.size() > tail_limit) tail.erase(0, tail.size() - tail_limit);
}

// One read; false at end of file or on a real error.
bool read_some(int fd, std::string& tail) {
    char buffer[4096];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) append_tail(tail, buffer, static_cast<std::size_t>(n));
    return n > 0 || (n < 0 && errno == EINTR);
}

// What the pipe holds now, without waiting for writers the program may have left behind.
void read_available(int fd, std::string& tail) {
    if (fd < 0) return;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    while (read_some(fd, tail)) {}
}

// While a helper runs, its orphans become our children (PR_SET_CHILD_SUBREAPER), so that
// everything left in its process group can be reaped, not merely signalled. The attribute
// survives execve, so it is cleared again before the launch goes on.
struct SubreaperScope {
    SubreaperScope() { ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }
    ~SubreaperScope() { ::prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0); }
    SubreaperScope(const SubreaperScope&) = delete;
    SubreaperScope& operator=(const SubreaperScope&) = delete;
};

// Kills the process group `pid` and reaps every member; returns the leader's wait status.
// A member's children are ours before the member itself can be reaped (exit(2) reparents
// first), so when waitpid says ECHILD the whole group is gone.
int kill_and_reap_group(pid_t pid) {
    ::kill(-pid, SIGKILL);
    int leader = 0;
    while (true) {
        int status = 0;
        pid_t reaped = ::waitpid(-pid, &status, 0);
        if (reaped == pid) leader = status;
        if (reaped < 0 && errno != EINTR) return leader;
    }
}

// Kills and reaps the group unless released: every error path after fork.
struct Reaper {
    pid_t pid;
    ~Reaper() {
        if (pid > 0) kill_and_reap_group(pid);
    }
};

class Supervisor {
public:
    Supervisor(const HelperProgram& program, HelperExit& result)
        : program_(program), result_(result), deadline_(Clock::now() + program.timeout) {}

    // Milliseconds poll may wait; signals the group when a deadline has passed.
    int wait_ms(pid_t pid) {
        if (killed_) return -1;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
        if (left > 0) return static_cast<int>(std::min<long long>(left, INT_MAX));
        if (result_.timed_out) {
            ::kill(-pid, SIGKILL);
            killed_ = true;
            return -1;
        }
        ::kill(-pid, SIGTERM);
        result_.timed_out = true;
        deadline_ = Clock::now() + program_.grace;
        return static_cast<int>(program_.grace.count());
    }

private:
    const HelperProgram& program_;
    HelperExit& result_;
    Clock::time_point deadline_;
    bool killed_ = false;
};

SysResult<void> supervise(pid_t pid, const Pipe& out, const Pipe& err, const HelperProgram& program,
                          HelperExit& result) {
    UniqueFd pidfd = open_pidfd(pid);
    if (!pidfd.valid()) return sys_fail("pidfd_open", program.path);
    pollfd fds[3] = {{pidfd.get(), POLLIN, 0}, {out.read.get(), POLLIN, 0}, {err.read.get(), POLLIN, 0}};
    std::string* tails[3] = {nullptr, &result.out_tail, &result.err_tail};
    Supervisor supervisor(program, result);
    while (true) {
        int n = ::poll(fds, 3, supervisor.wait_ms(pid));
        if (n < 0 && errno != EINTR) return sys_fail("poll", program.path);
        if (n <= 0) continue;
        if (fds[0].revents != 0) break;
        for (int i = 1; i < 3; ++i)
            if (fds[i].revents != 0 && !read_some(fds[i].fd, *tails[i])) fds[i].fd = -1;
    }
    read_available(fds[1].fd, result.out_tail);
    read_available(fds[2].fd, result.err_tail);
    return {};
}

void set_status(int status, HelperExit& result) {
    if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
        result.status = 128 + result.signal;
    } else {
        result.status = WEXITSTATUS(status);
    }
}

}  // namespace

SysResult<HelperExit> run_helper(const HelperProgram& program) {
    auto out = make_pipe(program.path);
    if (!out) return Unexpected(out.error());
    auto err = make_pipe(program.path);
    if (!err) return Unexpected(err.error());
    ExecArgs args(program);
    SubreaperScope subreaper;
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) return sys_fail("fork", program.path);
    if (pid == 0) exec_child(program, args, *out, *err, parent);
    Reaper reaper{pid};
    ::setpgid(pid, pid);  // also here, so that kill(-pid) works before the child gets to it
    out->write.reset();
    err->write.reset();
    HelperExit result;
    if (auto r = supervise(pid, *out, *err, program, result); !r) return Unexpected(r.error());
    reaper.pid = -1;
    set_status(kill_and_reap_group(pid), result);  // with whatever it left running
    return result;
}

}  // namespace skiff::ns
