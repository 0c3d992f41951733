#include "launcher/run/ssh_keys.hpp"

#include <sys/wait.h>

#include <vector>

#include "namespaces/spawn.hpp"

namespace skiff::run {
namespace {

constexpr const char* ssh_keygen = "/usr/bin/ssh-keygen";
constexpr int dir_fd_in_child = 3;

// The file `name` in the directory fd that the child finds at dir_fd_in_child.
std::string child_path(const std::string& name) {
    return "/proc/self/fd/" + std::to_string(dir_fd_in_child) + "/" + name;
}

// Runs ssh-keygen with `args` and no environment; its stdout is returned, its stderr is quoted
// on failure.
Result<std::string> run_keygen(int dir_fd, std::vector<std::string> args) {
    args.insert(args.begin(), ssh_keygen);
    ns::SpawnSpec spec{ssh_keygen, std::move(args), {}, {{dir_fd, dir_fd_in_child}}};
    auto keygen = ns::spawn_and_capture(std::move(spec), ns::Capture::stdout_and_stderr);
    std::string failed = std::string("ssh: ") + ssh_keygen + " failed (install openssh-client): ";
    if (!keygen) return fail(failed + keygen.error().describe());
    if (!WIFEXITED(keygen->status) || WEXITSTATUS(keygen->status) != 0) return fail(failed + keygen->output);
    return std::move(keygen->output);
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
