#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher/spank/plugin.hpp"

namespace skiff::spank {

std::string check_environment(const Settings& settings, const std::string& value, const Environment& env) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return "skiff: cannot check the environment: pipe failed";
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const char* argv[] = {"skiff", "edf", "check", value.c_str(), nullptr};
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipe_fds[1], 2);
        ::dup2(pipe_fds[1], 1);
        ::execve(settings.skiff.c_str(), const_cast<char* const*>(argv), envp.data());
        ::dprintf(2, "skiff: cannot run %s (plugin argument skiff=PATH)\n", settings.skiff.c_str());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    std::string output;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
    int status = 0;
    while (pid > 0 && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    return output.empty() ? "skiff: checking the environment '" + value + "' failed" : output;
}

}  // namespace skiff::spank
