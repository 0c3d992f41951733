// The first task of a step on a node starts the holder; the others find its state. The
// step's directory, /tmp/skiff-UID/slurm/JOB.STEP (private to the user), is locked while a
// task looks, so exactly one holder starts. Tasks with GPUs leave their lists there first
// (step_gpus.hpp).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <string_view>

#include "common/unique_fd.hpp"
#include "launcher/spank/plugin.hpp"
#include "launcher/spank/step_gpus.hpp"
#include "namespaces/spawn.hpp"

namespace skiff::spank {
namespace {

constexpr int holder_ready_fd = 3;  // `skiff __container-holder READY_FD ...`: it says "R" there
constexpr std::string_view step_gpus_variable = "SLURM_STEP_GPUS";
constexpr std::chrono::seconds gpu_patience{10};  // for the other tasks' lists; they come at once

std::string gpus_of(const Environment& env) {
    for (const auto& entry : env)
        if (entry.starts_with(step_gpus_variable) && entry.size() > step_gpus_variable.size() &&
            entry[step_gpus_variable.size()] == '=')
            return entry.substr(step_gpus_variable.size() + 1);
    return "";
}

// The holder's environment: the task's, with the GPUs of all the node's tasks.
Environment with_step_gpus(Environment env, const std::string& gpus) {
    for (auto& entry : env)
        if (!gpus_of({entry}).empty()) entry = std::string(step_gpus_variable) + "=" + gpus;
    return env;
}

// The task that started the step's container removed the directory when it failed.
bool removed(int dir) {
    struct stat st {};
    return ::fstat(dir, &st) == 0 && st.st_nlink == 0;
}

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

// The state of a holder that still runs.
Result<run::HolderState> running_holder(const std::string& file) {
    auto state = run::read_holder_state(file);
    if (state && ::kill(state->holder, 0) != 0) return fail("its holder " + std::to_string(state->holder) + " is gone");
    return state;
}

// The holder is nobody's child (no task waits for it), in a session of its own. It gets the
// task's stdout and stderr, /dev/null as stdin and the ready pipe, and nothing else: never the
// task's PMI socket or pipes.
bool start_holder(const Settings& settings, const ContainerRequest& request, const Environment& job_env,
                  const std::string& state, pid_t stepd, std::string& error) {
    auto ready = ns::make_pipe("holder");
    if (!ready) {
        error = "cannot start the container: " + ready.error().describe();
        return false;
    }
    UniqueFd &ready_in = ready->read, &ready_out = ready->write;
    UniqueFd null_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    std::vector<std::string> argv{"skiff", "__container-holder", std::to_string(holder_ready_fd), std::to_string(stepd),
                                  state, "-e", request.environment};
    // The command line wins over the EDF.
    if (!request.pinned_image.empty()) argv.insert(argv.end(), {"--image", request.pinned_image});
    if (!request.save.empty()) argv.insert(argv.end(), {"--save", request.save});
    ns::SpawnSpec spec{settings.skiff, std::move(argv), job_env,
                       {{null_fd.get(), STDIN_FILENO}, {ready_out.get(), holder_ready_fd}}};
    auto started = ns::spawn_detached(spec);
    ready_out.reset();
    if (!started) {
        error = "cannot start the container: " + started.error().describe() + " (plugin argument skiff=PATH)";
        return false;
    }
    char answer = 0;
    ssize_t n = 0;
    while ((n = ::read(ready_in.get(), &answer, 1)) < 0 && errno == EINTR) {}
    if (n == 1 && answer == 'R') return true;
    error = "the container for '" + request.environment + "' could not be started (skiff's message is above)";
    return false;
}

// Our own holder's state, once it said it is ready.
bool read_started(const std::string& state, run::HolderState& out, std::string& error) {
    auto started = running_holder(state);
    if (!started) {
        error = "the container's state in " + state + " cannot be read: " + started.error().message;
        return false;
    }
    out = std::move(*started);
    return true;
}

}  // namespace

std::string step_directory(uid_t uid, const std::string& step_key) {
    return "/tmp/skiff-" + std::to_string(uid) + "/slurm/" + step_key;
}

bool find_or_start_container(const Settings& settings, const ContainerRequest& request, const Environment& job_env,
                             const std::string& step_key, LocalTask task, pid_t stepd, run::HolderState& out,
                             std::string& error) {
    std::string base = "/tmp/skiff-" + std::to_string(::getuid());
    std::string step = step_directory(::getuid(), step_key);
    if (!private_dir(base, error) || !private_dir(base + "/slurm", error) || !private_dir(step, error)) return false;
    std::string own_gpus = gpus_of(job_env);
    if (!own_gpus.empty() && !leave_task_gpus(step, task.id, own_gpus)) {
        error = "cannot write this task's GPUs into " + step + ": " + std::strerror(errno);
        return false;
    }
    UniqueFd lock(::open(step.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!lock.valid() || ::flock(lock.get(), LOCK_EX) != 0) {
        error = "cannot lock " + step + ": " + std::strerror(errno);
        return false;
    }
    std::string state = step + "/state";
    if (removed(lock.get())) {
        error = "another task of this step could not start the container (its message is above)";
        return false;
    }
    if (auto found = running_holder(state)) {
        out = std::move(*found);
        drop_task_gpus(step, task.id);
        return true;
    }
    Environment env = own_gpus.empty() ? job_env : with_step_gpus(job_env, collect_step_gpus(step, task.count, gpu_patience));
    bool ok = start_holder(settings, request, env, state, stepd, error) && read_started(state, out, error);
    if (!ok) ::rmdir(step.c_str());  // a failed start leaves nothing; a waiting task fails alike
    return ok;
}

}  // namespace skiff::spank
