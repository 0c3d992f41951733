#include "namespaces/spawn.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

#include "common/unique_fd.hpp"

namespace skiff::ns {
namespace {

// What a child that could not become the program writes to its error pipe; a pipe that
// reaches end of file without it means the execve succeeded (the pipe is close-on-exec).
struct ChildFailure {
    int code = 0;
    int step = 0;  // an index into step_names
};
enum Step { dup_step, exec_step };
constexpr const char* step_names[] = {"dup2", "execve"};

// Everything the child needs, allocated before fork: the child allocates nothing.
struct Prepared {
    std::vector<char*> argv, envp;
    std::vector<int> moved;  // the sources, moved above every target
    int top = STDERR_FILENO;  // the highest descriptor the program gets

    explicit Prepared(const SpawnSpec& spec) : moved(spec.fds.size(), -1) {
        for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
        for (const auto& f : spec.fds) top = std::max(top, f.at);
    }
};

[[noreturn]] void fail_in_child(int error_pipe, Step step) {
    ChildFailure failure{errno, step};
    (void)!::write(error_pipe, &failure, sizeof failure);
    ::_exit(127);
}

bool is_target(const std::vector<FdAt>& fds, int fd) {
    return std::any_of(fds.begin(), fds.end(), [fd](const FdAt& f) { return f.at == fd; });
}

// Every source is first copied above the targets, so that no dup2 closes another's source
// (or the error pipe); then everything but the targets and the error pipe is closed.
[[noreturn]] void exec_in_child(const SpawnSpec& spec, Prepared& p, int error_pipe) {
    const int above = p.top + 1;
    const int report = ::fcntl(error_pipe, F_DUPFD_CLOEXEC, above);
    if (report < 0) ::_exit(127);
    for (std::size_t i = 0; i < spec.fds.size(); ++i)
        if ((p.moved[i] = ::fcntl(spec.fds[i].fd, F_DUPFD_CLOEXEC, above)) < 0) fail_in_child(report, dup_step);
    for (std::size_t i = 0; i < spec.fds.size(); ++i)
        if (::dup2(p.moved[i], spec.fds[i].at) < 0) fail_in_child(report, dup_step);
    for (int fd = STDERR_FILENO + 1; fd < above; ++fd)
        if (!is_target(spec.fds, fd)) ::close(fd);
    if (report > above) ::close_range(static_cast<unsigned>(above), static_cast<unsigned>(report - 1), 0);
    ::close_range(static_cast<unsigned>(report + 1), ~0U, 0);
    ::execve(spec.file.c_str(), p.argv.data(), p.envp.data());
    fail_in_child(report, exec_step);
}

std::optional<SysError> read_failure(int error_pipe, const std::string& file) {
    ChildFailure failure;
    ssize_t n = 0;
    while ((n = ::read(error_pipe, &failure, sizeof failure)) < 0 && errno == EINTR) {}
    if (n != static_cast<ssize_t>(sizeof failure)) return std::nullopt;
    return SysError{failure.code, step_names[failure.step == dup_step ? dup_step : exec_step], file};
}

}  // namespace

SysResult<Pipe> make_pipe(const std::string& what) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return sys_fail("pipe2", what);
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

bool read_to_end(int fd, std::string& bytes, std::size_t limit) {
    char buffer[16384];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return true;
        bytes.append(buffer, static_cast<std::size_t>(n));
        if (bytes.size() > limit) return false;
    }
}

SysResult<pid_t> spawn(const SpawnSpec& spec) {
    Prepared prepared(spec);
    auto errors = make_pipe(spec.file);
    if (!errors) return Unexpected(errors.error());
    pid_t pid = ::fork();
    if (pid < 0) return sys_fail("fork", spec.file);
    if (pid == 0) exec_in_child(spec, prepared, errors->write.get());
    errors->write.reset();
    if (auto failure = read_failure(errors->read.get(), spec.file)) {
        (void)wait_status(pid);
        return Unexpected(*failure);
    }
    return pid;
}

SysResult<pid_t> fork_detached(const std::function<void()>& body) {
    pid_t middle = ::fork();
    if (middle < 0) return sys_fail("fork", "detached process");
    if (middle == 0) {
        ::setsid();
        pid_t child = ::fork();
        if (child == 0) {
            body();
            ::_exit(0);
        }
        ::_exit(child < 0 ? errno : 0);
    }
    return middle;
}

SysResult<void> spawn_detached(const SpawnSpec& spec) {
    Prepared prepared(spec);
    auto errors = make_pipe(spec.file);
    if (!errors) return Unexpected(errors.error());
    const int report = errors->write.get();
    auto middle = fork_detached([&] { exec_in_child(spec, prepared, report); });
    if (!middle) return Unexpected(middle.error());
    errors->write.reset();
    auto status = wait_status(*middle);
    if (!status) return Unexpected(status.error());
    if (WIFEXITED(*status) && WEXITSTATUS(*status) != 0) return sys_fail("fork", spec.file, WEXITSTATUS(*status));
    if (auto failure = read_failure(errors->read.get(), spec.file)) return Unexpected(*failure);
    return {};
}

SysResult<int> wait_status(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return sys_fail("waitpid", std::to_string(pid));
    return status;
}

SysResult<Captured> spawn_and_capture(SpawnSpec spec, Capture what) {
    auto out = make_pipe(spec.file);
    if (!out) return Unexpected(out.error());
    spec.fds.push_back({out->write.get(), STDOUT_FILENO});
    if (what == Capture::stdout_and_stderr) spec.fds.push_back({out->write.get(), STDERR_FILENO});
    auto pid = spawn(spec);
    if (!pid) return Unexpected(pid.error());
    out->write.reset();
    Captured captured;
    read_to_end(out->read.get(), captured.output);
    auto status = wait_status(*pid);
    if (!status) return Unexpected(status.error());
    captured.status = *status;
    return captured;
}

std::vector<std::string> current_environment() {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
    return env;
}

}  // namespace skiff::ns
