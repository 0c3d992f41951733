// The first task of a step on a node starts the holder; the others find its state. The
// step's directory, /tmp/skiff-UID/slurm/JOB.STEP (private to the user), is locked while a
// task looks, so exactly one holder starts.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include "launcher/spank/plugin.hpp"

namespace skiff::spank {
namespace {

bool private_dir(const std::string& path, std::string& error) {
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
        error = "cannot create " + path + ": " + std::strerror(errno);
        return false;
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0) {
        error = path + " is not a private directory of yours (mode 0700); remove it";
        return false;
    }
    return true;
}

bool read_state(const std::string& file, Container& out) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> fields;
    std::string field;
    std::istringstream parts(text.str());
    while (std::getline(parts, field, '\0')) fields.push_back(field);
    if (fields.size() < 2) return false;
    out.holder = static_cast<pid_t>(std::atol(fields[0].c_str()));
    out.workdir = fields[1];
    out.env.assign(fields.begin() + 2, fields.end());
    return out.holder > 0 && ::kill(out.holder, 0) == 0;
}

[[noreturn]] void exec_holder(const Settings& settings, const std::string& value, const Environment& job_env,
                              const std::string& state, pid_t stepd, int ready_fd) {
    ::setsid();
    if (::fork() != 0) ::_exit(0);  // the holder is nobody's child: no task waits for it
    ::dup2(ready_fd, 3);
    int null_fd = ::open("/dev/null", O_RDONLY);
    ::dup2(null_fd, 0);
    ::close_range(4, ~0U, 0);  // never keep the task's PMI socket or pipes open
    std::string watch = std::to_string(stepd);
    const char* argv[] = {"skiff", "__container-holder", "3", watch.c_str(), state.c_str(), "-e", value.c_str(), nullptr};
    std::vector<char*> envp;
    for (const auto& e : job_env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(settings.skiff.c_str(), const_cast<char* const*>(argv), envp.data());
    ::dprintf(2, "skiff: cannot run %s: %s (plugin argument skiff=PATH)\n", settings.skiff.c_str(), std::strerror(errno));
    ::_exit(127);
}

bool start_holder(const Settings& settings, const std::string& value, const Environment& job_env,
                  const std::string& state, pid_t stepd, std::string& error) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        error = "cannot start the container: pipe failed";
        return false;
    }
    pid_t child = ::fork();
    if (child == 0) exec_holder(settings, value, job_env, state, stepd, pipe_fds[1]);
    ::close(pipe_fds[1]);
    int status = 0;
    while (child > 0 && ::waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    char answer = 0;
    ssize_t n = 0;
    while ((n = ::read(pipe_fds[0], &answer, 1)) < 0 && errno == EINTR) {}
    ::close(pipe_fds[0]);
    if (n == 1 && answer == 'R') return true;
    error = "the container for '" + value + "' could not be started (skiff's message is above)";
    return false;
}

}  // namespace

bool find_or_start_container(const Settings& settings, const std::string& value, const Environment& job_env,
                             const std::string& step_key, pid_t stepd, Container& out, std::string& error) {
    std::string base = "/tmp/skiff-" + std::to_string(::getuid());
    std::string step = base + "/slurm/" + step_key;
    if (!private_dir(base, error) || !private_dir(base + "/slurm", error) || !private_dir(step, error)) return false;
    int lock = ::open(step.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
        error = "cannot lock " + step + ": " + std::strerror(errno);
        if (lock >= 0) ::close(lock);
        return false;
    }
    std::string state = step + "/state";
    bool ok = read_state(state, out) ||
              (start_holder(settings, value, job_env, state, stepd, error) && read_state(state, out));
    if (!ok && error.empty()) error = "the container's state in " + state + " cannot be read";
    if (!ok) ::rmdir(step.c_str());  // a failed start leaves nothing; a waiting task fails alike
    ::close(lock);
    return ok;
}

}  // namespace skiff::spank
