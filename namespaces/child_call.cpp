#include "namespaces/child_call.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/unique_fd.hpp"

namespace skiff::ns {
namespace {

[[noreturn]] void run_and_send(const std::function<std::string()>& work, int out) {
    std::string bytes = work();
    for (std::size_t sent = 0; sent < bytes.size();) {
        ssize_t n = ::write(out, bytes.data() + sent, bytes.size() - sent);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) ::_exit(1);
        sent += static_cast<std::size_t>(n);
    }
    ::_exit(0);  // no destructors or atexit handlers of the caller's state
}

// Reads until the child closes its end; false past `limit`.
bool receive(int in, std::size_t limit, std::string& bytes) {
    char buffer[16384];
    for (;;) {
        ssize_t n = ::read(in, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return true;
        bytes.append(buffer, static_cast<std::size_t>(n));
        if (bytes.size() > limit) return false;
    }
}

}  // namespace

SysResult<ChildOutput> call_in_child(const std::function<std::string()>& work, std::size_t limit) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return sys_fail("pipe2", "image reader");
    UniqueFd in(fds[0]), out(fds[1]);
    pid_t child = ::fork();
    if (child < 0) return sys_fail("fork", "image reader");
    if (child == 0) {
        in.reset();
        run_and_send(work, out.get());
    }
    out.reset();
    ChildOutput result;
    if (!receive(in.get(), limit, result.bytes)) ::kill(child, SIGKILL);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0)
        if (errno != EINTR) return sys_fail("waitpid", "image reader");
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) result.bytes.clear();
    return result;
}

}  // namespace skiff::ns
