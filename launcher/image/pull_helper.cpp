#include "launcher/image/pull_helper.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/sys_error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::image {
namespace {

constexpr const char* helper_name = "skiff-pull";

std::vector<char*> argv_for(const std::string& program, const std::vector<std::string>& args) {
    std::vector<char*> argv{const_cast<char*>(program.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    return argv;
}

std::string read_all(int fd) {
    std::string out;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return out;
        out.append(buffer, static_cast<std::size_t>(n));
    }
}

std::string last_line(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    auto newline = text.rfind('\n');
    return newline == std::string::npos ? text : text.substr(newline + 1);
}

}  // namespace

Result<std::string> find_pull_helper() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return fail("cannot find skiff-pull: /proc/self/exe: " + ec.message());
    auto dir = self.parent_path();
    for (const auto& candidate : {dir / helper_name, dir.parent_path() / "libexec/skiff" / helper_name})
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    return fail("skiff-pull is not installed next to " + self.string() + " nor in " +
                (dir.parent_path() / "libexec/skiff").string() + "; pulls and imports need it");
}

Error exec_pull_helper(const std::vector<std::string>& args) {
    auto helper = find_pull_helper();
    if (!helper) return helper.error();
    auto argv = argv_for(*helper, args);
    ::execve(helper->c_str(), argv.data(), environ);
    return SysError{errno, "execve", *helper}.to_error("image");
}

Result<std::string> run_pull_helper(const std::vector<std::string>& args) {
    auto helper = find_pull_helper();
    if (!helper) return Unexpected(helper.error());
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Unexpected(SysError{errno, "pipe2", ""}.to_error("image pull"));
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    auto argv = argv_for(*helper, args);
    pid_t pid = ::fork();
    if (pid < 0) return Unexpected(SysError{errno, "fork", *helper}.to_error("image pull"));
    if (pid == 0) {
        ::dup2(write_end.get(), STDOUT_FILENO);
        ::execve(helper->c_str(), argv.data(), environ);
        ::_exit(127);
    }
    write_end.reset();
    std::string out = read_all(read_end.get());
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return fail("");  // skiff-pull printed the one error line
    return last_line(out);
}

}  // namespace skiff::image
