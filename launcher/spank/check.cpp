#include <sys/wait.h>

#include "common/job_ssh_keys.hpp"
#include "launcher/spank/plugin.hpp"
#include "namespaces/spawn.hpp"

namespace skiff::spank {

std::string check_environment(const Settings& settings, const std::string& value, const Environment& env, bool& ssh_on) {
    ns::SpawnSpec spec{settings.skiff, {"skiff", "edf", "check", "--srun", value}, env, {}};
    auto check = ns::spawn_and_capture(std::move(spec), ns::Capture::stdout_and_stderr);
    if (!check) return "skiff: cannot check the environment: " + check.error().describe() + " (plugin argument skiff=PATH)";
    if (WIFEXITED(check->status) && WEXITSTATUS(check->status) == 0) {
        ssh_on = ("\n" + check->output).find("\n" + std::string(job_ssh_check_line) + "\n") != std::string::npos;
        return {};
    }
    return check->output.empty() ? "skiff: checking the environment '" + value + "' failed" : check->output;
}

}  // namespace skiff::spank
