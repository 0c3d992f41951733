#include "namespaces/child_call.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/unique_fd.hpp"
#include "namespaces/spawn.hpp"

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

}  // namespace

SysResult<ChildOutput> call_in_child(const std::function<std::string()>& work, std::size_t limit) {
    auto pipe = make_pipe("image reader");
    if (!pipe) return Unexpected(pipe.error());
    UniqueFd& in = pipe->read;
    UniqueFd& out = pipe->write;
    pid_t child = ::fork();
    if (child < 0) return sys_fail("fork", "image reader");
    if (child == 0) {
        in.reset();
        run_and_send(work, out.get());
    }
    out.reset();
    ChildOutput result;
    if (!read_to_end(in.get(), result.bytes, limit)) ::kill(child, SIGKILL);
    auto waited = wait_status(child);
    if (!waited) return Unexpected(waited.error());
    const int status = *waited;
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) result.bytes.clear();
    return result;
}

}  // namespace skiff::ns
