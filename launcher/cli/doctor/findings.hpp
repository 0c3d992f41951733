// `skiff doctor`: what this node needs to run skiff, one check at a time, each with a verdict
// and, where it is not ok, the fix. The checks read the host and, for user namespaces and the
// overlay, try them in a short-lived child; they change nothing outside it.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/env_map.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::cli::doctor {

enum class Verdict { ok, warn, fail };

struct Finding {
    std::string check;   // "kernel", "/dev/fuse", ...
    Verdict verdict = Verdict::ok;
    std::string detail;  // what was found
    std::string fix;     // what to do; empty when ok
};

struct Host {
    EnvMap env;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string self;  // this skiff binary (/proc/self/exe)
};

using Findings = std::vector<Finding>;

void check_kernel(Findings& out);                       // kernel_checks.cpp
void check_user_namespaces(Findings& out, const Host& host);
void check_fuse_device(Findings& out);                  // file_checks.cpp
void check_state_directories(Findings& out, const Host& host);
void check_store_locks(Findings& out, const Host& host);  // lock_checks.cpp
// The site configuration, for the checks after it; nullopt when it cannot be read.
std::optional<site::SiteConfig> check_site_config(Findings& out, const Host& host);
void check_ssh_server(Findings& out, const site::SiteConfig& config);  // service_checks.cpp
void check_slurm_plugin(Findings& out, const Host& host);

// Pure parts, for the unit tests.
// "6.18.44-fc" -> {6, 18}; nullopt if it does not start with MAJOR.MINOR.
std::optional<std::pair<int, int>> kernel_version(std::string_view release);
// The file system a statfs f_type names where it matters to skiff ("nfs", "lustre", "tmpfs").
std::string file_system_name(long f_type);
// Why flock on a mount of file system `type` ("nfs", "nfs4", "lustre") with `options` (the
// mount's and the superblock's, comma-separated) is not shared by the nodes, or nullopt.
std::optional<std::string> flock_not_shared(std::string_view type, const std::string& options);
// The value of a slurm.conf line that sets PlugStackConfig (Slurm reads keys without regard to
// case, with blanks around '='), or nullopt.
std::optional<std::string> plugstack_config_value(std::string_view line);
// The skiff= argument of the first line of a plugstack.conf that loads spank_skiff.so: "" when
// the line has none (the plugin's default), nullopt when no line loads the plugin. `includes`
// gets the patterns of its `include` lines.
std::optional<std::string> plugstack_skiff_argument(std::string_view text, std::vector<std::string>& includes);

// One line per finding ("ok    kernel: ..."), or a JSON array; the exit status is 1 when a
// check failed.
std::string render_text(const Findings& findings);
std::string render_json(const Findings& findings);

}  // namespace skiff::cli::doctor
