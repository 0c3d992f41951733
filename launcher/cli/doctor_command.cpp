// `skiff doctor [--json]`: checks this node for what skiff needs, one line per check.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "common/env_map.hpp"
#include "launcher/cli/commands.hpp"
#include "launcher/cli/doctor/findings.hpp"

namespace skiff::cli {

constexpr const char* doctor_usage =
    "usage: skiff doctor [--json]   check this node for what skiff needs: the kernel, user namespaces,\n"
    "                               /dev/fuse, the overlay, skiff's directories, the image store's locks,\n"
    "                               the site configuration, the SSH hook's server and Slurm's plugin;\n"
    "                               exit status 1 if a check fails\n";

int doctor_command(const std::vector<std::string>& args, char* const* envp) {
    if (asks_for_help(args)) return help_reply(doctor_usage);
    bool json = args.size() == 1 && args[0] == "--json";
    if (!args.empty() && !json) return report("doctor: unknown argument '" + args[0] + "'; usage: skiff doctor [--json]");
    std::error_code ec;
    doctor::Host host{env_from_envp(envp), ::getuid(), ::getgid(), std::filesystem::read_symlink("/proc/self/exe", ec).string()};
    doctor::Findings findings;
    doctor::check_kernel(findings);
    doctor::check_user_namespaces(findings, host);
    doctor::check_fuse_device(findings);
    doctor::check_state_directories(findings, host);
    doctor::check_store_locks(findings, host);
    if (auto site = doctor::check_site_config(findings, host)) doctor::check_ssh_server(findings, *site);
    doctor::check_slurm_plugin(findings, host);
    std::string text = json ? doctor::render_json(findings) : doctor::render_text(findings);
    std::fputs(text.c_str(), stdout);
    for (const auto& f : findings)
        if (f.verdict == doctor::Verdict::fail) return 1;
    return 0;
}

}  // namespace skiff::cli
