// srun pins the step's image: `skiff image resolve -e VALUE` turns a registry tag into its
// digest once, before the step starts, so that every node pulls and runs that image even if
// the tag moves meanwhile (plugin.hpp).
#include <sys/wait.h>

#include <sstream>

#include "launcher/spank/plugin.hpp"
#include "namespaces/spawn.hpp"

namespace skiff::spank {
namespace {

// The pinned reference among resolve's lines: the one that is not skiff's own message (its
// note that a local image has nothing to pin, or a warning about the EDF).
std::string pinned_line(const std::string& output) {
    std::istringstream lines(output);
    std::string pinned;
    for (std::string line; std::getline(lines, line);)
        if (!line.empty() && !line.starts_with("skiff:") && line.find("@sha256:") != std::string::npos) pinned = line;
    return pinned;
}

}  // namespace

std::string pin_image(const Settings& settings, const std::string& value, const Environment& env, std::string& pinned) {
    ns::SpawnSpec spec{settings.skiff, {"skiff", "image", "resolve", "-e", value}, env, {}};
    auto resolve = ns::spawn_and_capture(std::move(spec), ns::Capture::stdout_and_stderr);
    if (!resolve) return "skiff: cannot resolve the image: " + resolve.error().describe() + " (plugin argument skiff=PATH)";
    if (WIFEXITED(resolve->status) && WEXITSTATUS(resolve->status) == 0) {
        pinned = pinned_line(resolve->output);
        return {};
    }
    return resolve->output.empty() ? "skiff: resolving the image of '" + value + "' failed" : resolve->output;
}

}  // namespace skiff::spank
