#include "launcher/cli/host_facts.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

namespace skiff::cli {

plan::HostFacts read_host_facts(char* const* envp) {
    plan::HostFacts host;
    host.uid = ::getuid();
    host.gid = ::getgid();
    host.env = env_from_envp(envp);
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
    return host;
}

}  // namespace skiff::cli
