#include <sys/wait.h>

#include <sstream>

#include "common/job_ssh_keys.hpp"
#include "launcher/spank/plugin.hpp"
#include "namespaces/spawn.hpp"

namespace skiff::spank {

std::string check_environment(const Settings& settings, const std::string& value, const Environment& env, SrunCheck& out) {
    ns::SpawnSpec spec{settings.skiff, {"skiff", "edf", "check", "--srun", value}, env, {}};
    auto check = ns::spawn_and_capture(std::move(spec), ns::Capture::stdout_and_stderr);
    if (!check) return "skiff: cannot check the environment: " + check.error().describe() + " (plugin argument skiff=PATH)";
    if (!WIFEXITED(check->status) || WEXITSTATUS(check->status) != 0)
        return check->output.empty() ? "skiff: checking the environment '" + value + "' failed" : check->output;
    // Its lines: "VALUE: ok", then maybe job_ssh_check_line, then maybe the pinned reference;
    // skiff's own notes and warnings start with "skiff:".
    std::istringstream lines(check->output);
    for (std::string line; std::getline(lines, line);) {
        if (line == job_ssh_check_line) out.ssh_on = true;
        else if (!line.starts_with("skiff:") && line.find("@sha256:") != std::string::npos) out.pinned_image = line;
    }
    return {};
}

}  // namespace skiff::spank
