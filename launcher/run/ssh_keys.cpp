#include "launcher/run/ssh_keys.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace skiff::run {
namespace {

constexpr const char* ssh_keygen = "/usr/bin/ssh-keygen";
constexpr int dir_fd_in_child = 3;

// The file `name` in the directory fd that the child finds at dir_fd_in_child.
std::string child_path(const std::string& name) {
    return "/proc/self/fd/" + std::to_string(dir_fd_in_child) + "/" + name;
}

// Runs ssh-keygen with `args`; its stdout is returned, its stderr is quoted on failure.
Result<std::string> run_keygen(int dir_fd, std::vector<std::string> args) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return fail("ssh: pipe: " + std::string(strerror(errno)));
    args.insert(args.begin(), ssh_keygen);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::dup2(out[1], 2);
        // The child's path below must resolve: dup2 clears O_CLOEXEC, on the same fd it is a no-op.
        if (dir_fd == dir_fd_in_child) ::fcntl(dir_fd, F_SETFD, 0);
        else ::dup2(dir_fd, dir_fd_in_child);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        char* env[] = {nullptr};
        ::execve(ssh_keygen, argv.data(), env);
        ::_exit(127);
    }
    ::close(out[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    ::close(out[0]);
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return fail(std::string("ssh: ") + ssh_keygen + " failed (install openssh-client): " + text);
    return text;
}

}  // namespace

Result<void> generate_host_key(int dir_fd, const std::string& name) {
    auto r = run_keygen(dir_fd, {"-q", "-t", "ed25519", "-N", "", "-C", "skiff", "-f", child_path(name)});
    if (!r) return Unexpected(r.error());
    return {};
}

Result<std::string> key_fingerprints(int dir_fd, const std::string& name) {
    return run_keygen(dir_fd, {"-l", "-f", child_path(name)});
}

}  // namespace skiff::run
