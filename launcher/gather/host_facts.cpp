#include "launcher/gather/host_facts.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <utility>

namespace skiff::gather {
namespace {

// The nearest ancestor named slurmstepd: a Slurm step's processes all descend from it.
pid_t find_slurm_stepd() {
    pid_t pid = ::getppid();
    for (int depth = 0; depth < 32 && pid > 1; ++depth) {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string text;
        if (!std::getline(stat, text)) return 0;
        auto open = text.find('(');
        auto close = text.rfind(')');
        if (open == std::string::npos || close == std::string::npos || close + 4 > text.size()) return 0;
        if (text.substr(open + 1, close - open - 1) == "slurmstepd") return pid;
        pid = static_cast<pid_t>(std::atol(text.c_str() + close + 4));  // the field after the state
    }
    return 0;
}

}  // namespace

// The directory ./relative paths start from ("/" if it cannot be read).
std::string working_directory() {
    char buffer[PATH_MAX];
    return ::getcwd(buffer, sizeof buffer) ? std::string(buffer) : std::string("/");
}

plan::HostFacts read_host_facts(EnvMap env) {
    plan::HostFacts host;
    host.uid = ::getuid();
    host.gid = ::getgid();
    host.env = std::move(env);
    host.cwd = working_directory();
    if (const passwd* pw = ::getpwuid(host.uid)) {
        host.user = pw->pw_name;
        host.home = pw->pw_dir;
        host.shell = pw->pw_shell;
    } else {
        host.user = "user" + std::to_string(host.uid);
        host.home = host.env.contains("HOME") ? host.env["HOME"] : "/";
    }
    if (const group* gr = ::getgrgid(host.gid)) host.group = gr->gr_name;
    else host.group = "group" + std::to_string(host.gid);
    if (host.env.contains("SLURM_JOB_ID")) host.slurm_stepd = find_slurm_stepd();
    return host;
}

}  // namespace skiff::gather
