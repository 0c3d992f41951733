#include "namespaces/supervised_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "namespaces/exec.hpp"
#include "namespaces/mount_ops.hpp"
#include "namespaces/pidfd.hpp"

namespace skiff::ns {
namespace {

constexpr int poll_interval_ms = 200;
constexpr int adoption_rounds = 100;  // of 10 ms: a descendant reaches us when its parent dies

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// stdin from /dev/null, stdout and stderr to `log` (or /dev/null), every other fd closed
// except those listed, which move to 3, 4, ...
void own_stdio(const std::string& log, std::vector<int>& keep) {
    int null = ::open("/dev/null", O_RDWR);
    int out = log.empty() ? null : ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(null, 0);
    ::dup2(out < 0 ? null : out, 1);
    ::dup2(out < 0 ? null : out, 2);
    int next = 3;
    for (int& fd : keep) {
        int moved = ::fcntl(fd, F_DUPFD, 100 + next);  // out of the way of 3, 4, ...
        fd = moved;
    }
    for (int& fd : keep) {
        ::dup2(fd, next);
        fd = next++;
    }
    ::close_range(static_cast<unsigned>(next), ~0U, 0);
}

[[noreturn]] void exec_server(const ServerSpec& spec) {
    std::vector<int> none;
    own_stdio(spec.log_path, none);
    ::setsid();  // a hangup of the command's terminal must not reach the server
    (void)drop_privileges();
    auto argv = c_strings(spec.argv);
    auto env = c_strings(spec.env);
    ::execve(argv[0], argv.data(), env.data());
    ::_exit(127);
}

void reap_all() {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {}
}

std::vector<pid_t> own_children() {
    std::ifstream list("/proc/self/task/" + std::to_string(::getpid()) + "/children");
    std::vector<pid_t> out;
    for (pid_t pid = 0; list >> pid;) out.push_back(pid);
    return out;
}

// As a subreaper: kills the children, reaps them, and goes on with the orphans they leave,
// which the kernel hands to us, until none is left.
void kill_descendants() {
    for (int round = 0; round < adoption_rounds; ++round) {
        auto children = own_children();
        if (children.empty()) return;
        for (pid_t child : children) ::kill(child, SIGKILL);
        ::usleep(10000);
        reap_all();
    }
}

// The server is gone or must go; in a PID namespace of its own, init's death takes the rest.
[[noreturn]] void end_supervision(const ServerSpec& spec) {
    if (!spec.own_pid_namespace) kill_descendants();
    ::_exit(0);
}

bool exited_within(int pidfd, std::chrono::milliseconds timeout) {
    pollfd pfd{pidfd, POLLIN, 0};
    return ::poll(&pfd, 1, static_cast<int>(timeout.count())) > 0;
}

// PID 1 of the server's PID namespace, or a subreaper in the caller's. Never returns.
[[noreturn]] void supervise(const ServerSpec& spec, int watched_fd, int alive_fd) {
    std::vector<int> keep{watched_fd, alive_fd};
    own_stdio("", keep);
    ::prctl(PR_SET_NAME, "skiff-supervise");  // in ps, not a second `skiff run`
    if (!spec.own_pid_namespace && ::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) ::_exit(1);
    if (::unshare(CLONE_NEWNS) != 0 || !make_root_rslave()) ::_exit(1);
    if (spec.fresh_devpts && !mount_fresh_devpts()) ::_exit(1);
    pid_t server = ::fork();
    if (server < 0) ::_exit(1);
    if (server == 0) exec_server(spec);
    UniqueFd server_fd = open_pidfd(server);
    pollfd fds[2] = {{keep[0], POLLIN, 0}, {server_fd.get(), POLLIN, 0}};
    for (;;) {
        int n = ::poll(fds, 2, poll_interval_ms);
        reap_all();  // PID 1 or the subreaper adopts the sessions' orphans
        if (n <= 0) continue;
        if (fds[1].revents != 0) end_supervision(spec);
        if (fds[0].revents == 0) continue;
        ::kill(server, SIGTERM);
        if (!exited_within(server_fd.get(), spec.grace)) ::kill(server, SIGKILL);
        end_supervision(spec);
    }
}

}  // namespace

SysResult<UniqueFd> start_supervised_server(const ServerSpec& spec) {
    UniqueFd self = open_pidfd(::getpid());
    if (!self.valid()) return sys_fail("pidfd_open", "self");
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return sys_fail("pipe2", "server");
    UniqueFd alive_read(pipe_fds[0]), alive_write(pipe_fds[1]);
    pid_t middle = ::fork();
    if (middle < 0) return sys_fail("fork", spec.argv.front());
    if (middle == 0) {
        if (spec.own_pid_namespace && ::unshare(CLONE_NEWPID) != 0) ::_exit(1);
        pid_t init = ::fork();  // PID 1 of the new namespace, or the subreaper
        if (init == 0) supervise(spec, self.get(), alive_write.get());
        ::_exit(init < 0 ? 1 : 0);
    }
    int status = 0;
    while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return sys_fail("unshare CLONE_NEWPID", spec.argv.front(), EPERM);
    return alive_read;
}

}  // namespace skiff::ns
