#include "namespaces/waiting_parent.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "common/exit_codes.hpp"

namespace skiff::ns {
namespace {

sigset_t forwarded_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGCHLD}) sigaddset(&set, sig);
    return set;
}

// The child's end, or -1 while it runs.
int reap(pid_t child) {
    int status = 0;
    pid_t got = 0;
    while ((got = ::waitpid(child, &status, WNOHANG)) < 0 && errno == EINTR) {}
    return got == child ? status : -1;
}

int wait_forwarding(pid_t child, const sigset_t& set) {
    for (;;) {
        int status = reap(child);
        if (status >= 0) return status;
        siginfo_t info{};
        if (::sigwaitinfo(&set, &info) < 0) continue;
        if (info.si_signo != SIGCHLD && info.si_code != SI_KERNEL) ::kill(child, info.si_signo);
    }
}

}  // namespace

SysResult<Split> split_off() {
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) return sys_fail("fork");
    if (pid > 0) return Split{false, pid, 0};
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(exit_code::setup_failed);  // the parent died before prctl
    return Split{true, 0, 0};
}

SysResult<Split> split_and_wait() {
    sigset_t set = forwarded_signals(), old;
    // Blocked before the fork: a signal that arrives before the parent waits is queued, not lost.
    if (::sigprocmask(SIG_BLOCK, &set, &old) != 0) return sys_fail("sigprocmask");
    auto split = split_off();
    if (split && !split->child) split->status = wait_forwarding(split->pid, set);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    return split;
}

bool reap_if_ended(pid_t child) {
    pid_t got = 0;
    while ((got = ::waitpid(child, nullptr, WNOHANG)) < 0 && errno == EINTR) {}
    return got != 0;
}

int exit_status_of(int wait_status) {
    if (WIFSIGNALED(wait_status)) return exit_code::signal_base + WTERMSIG(wait_status);
    return WEXITSTATUS(wait_status);
}

}  // namespace skiff::ns
