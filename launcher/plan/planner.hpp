// The pure planner: EDF + image facts + host facts -> LaunchPlan. It makes no system calls,
// so every decision is unit-tested and visible in --dry-run.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/plan/contribution.hpp"
#include "launcher/plan/launch_plan.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::plan {

// What skiff read from the image before planning (without mounting it).
struct ImageFacts {
    std::vector<std::pair<std::string, std::string>> env;  // the image's ENV, in order
    std::optional<std::string> workdir;
    std::vector<std::string> entrypoint;
    std::vector<std::string> cmd;
    std::optional<std::string> passwd;  // content of the image's /etc/passwd, if any
    std::optional<std::string> group;   // content of the image's /etc/group, if any
};

// The dynamic-linker configuration for injected libraries (ldcache.md), computed from the
// image's files before planning.
struct LinkerConfig {
    std::optional<std::string> glibc_cache;  // the new /etc/ld.so.cache
    std::optional<std::string> musl_path_file;  // e.g. /etc/ld-musl-x86_64.path
    std::string musl_path_content;
    std::vector<std::pair<std::string, std::string>> musl_links;  // name -> container path
    // The host paths whose identities decide this configuration (the plan memory's inputs),
    // or why there are too many to check on every launch.
    std::vector<std::string> inputs;
    std::string inputs_problem;
};

// Where skiff keeps the soname links musl needs (/.skiff is reserved for skiff, edf.md §6).
// Not /.skiff/lib: that directory holds the libraries the hooks inject.
inline constexpr const char* musl_links_dir = "/.skiff/links";

// Who runs skiff, and from where.
struct HostFacts {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string user;   // login name of uid
    std::string group;  // name of gid
    std::string home;
    std::string shell;
    EnvMap env;
    pid_t slurm_stepd = 0;  // the slurmstepd skiff runs under (in a Slurm step), else 0
    std::string cwd = "/";  // where ./relative paths start
};

struct PlanRequest {
    edf::Environment environment;  // loaded and merged, command-line options applied
    image::ImageSource image;
    ImageFacts image_facts;
    HostFacts host;
    std::vector<std::string> command;  // may be empty: the image's CMD, else /bin/sh
    bool map_root = false;             // --root: the user appears as uid 0
    std::optional<std::string> overlay_dir;  // --overlay DIR, absolute
    std::optional<LinkerConfig> linker;  // when some mount injects libraries
    // Not empty: never use an image server, and why ("--cold", a registry image pulled into a
    // temporary file that a server would outlive); -v prints it.
    std::string cold_reason;
    // The user's private directory of image-server sockets, or why there is none; the caller
    // holds it open as server_directory_fd until the exec (launcher/gather/runtime_dir.hpp).
    std::optional<std::string> server_directory;
    int server_directory_fd = -1;
    std::string server_directory_problem;
    // The user's private directory of cold-launch read profiles (namespaces/squashfs/squashfs_profile.hpp),
    // as a path through a descriptor the caller holds (/proc/self/fd/N); empty: none.
    std::string read_profiles;
    int read_profiles_fd = -1;  // the descriptor behind read_profiles
    const site::SiteConfig* site = nullptr;  // loaded once per launch; nullptr: none
    ExternalHooks external_hooks;  // hooks.d scripts found on the host, in order; fixed_env unset
    std::vector<Contribution> contributions;  // the built-in hooks' (hooks/hook.hpp), in table order
    std::optional<ImageSave> save;  // --save, its restore list still empty
};

Result<LaunchPlan> make_plan(const PlanRequest& request);

}  // namespace skiff::plan
