#include "launcher/plan/planner.hpp"

#include <algorithm>
#include <charconv>

#include "launcher/plan/environment_layers.hpp"
#include "launcher/plan/mount_plan.hpp"

namespace skiff::plan {
namespace {

IdMap id_map(const PlanRequest& request) {
    IdMap ids;
    ids.outside_uid = request.host.uid;
    ids.outside_gid = request.host.gid;
    ids.inside_uid = request.map_root ? 0 : request.host.uid;
    ids.inside_gid = request.map_root ? 0 : request.host.gid;
    return ids;
}

std::vector<std::string> command_line(const PlanRequest& request) {
    const auto& image = request.image_facts;
    std::vector<std::string> argv;
    if (request.environment.entrypoint.value) argv = image.entrypoint;
    const auto& tail = !request.command.empty() ? request.command : image.cmd;
    argv.insert(argv.end(), tail.begin(), tail.end());
    if (argv.empty()) argv.push_back("/bin/sh");
    return argv;
}

Result<OverlayDriver> overlay_driver(const EnvMap& host) {
    auto it = host.find("SKIFF_OVERLAY");
    if (it == host.end() || it->second.empty() || it->second == "auto") return OverlayDriver::automatic;
    if (it->second == "kernel") return OverlayDriver::kernel;
    if (it->second == "fuse") return OverlayDriver::fuse;
    return fail("SKIFF_OVERLAY='" + it->second + "' is not one of auto, kernel, fuse");
}

// A non-negative number from the host's environment, `fallback` when unset or empty.
Result<int> count_setting(const EnvMap& host, const std::string& name, int fallback, const std::string& what) {
    auto it = host.find(name);
    if (it == host.end() || it->second.empty()) return fallback;
    int value = 0;
    auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
    if (ec != std::errc{} || end != it->second.data() + it->second.size() || value < 0)
        return fail(name + "='" + it->second + "' is not " + what);
    return value;
}

// One server per image identity; under Slurm also per job and step, so that no server
// outlives its step (it retires with the step's slurmstepd) or serves another job.
std::string server_name(const PlanRequest& request) {
    const auto& image = request.image;
    std::string name = std::to_string(image.device) + "-" + std::to_string(image.inode) + "-" +
                       std::to_string(image.size) + "-" + std::to_string(image.mtime_ns);
    if (auto job = request.host.env.find("SLURM_JOB_ID"); job != request.host.env.end() && !job->second.empty())
        name += "-job" + job->second;
    if (auto step = request.host.env.find("SLURM_STEP_ID"); step != request.host.env.end() && !step->second.empty())
        name += "." + step->second;
    return name;
}

Result<ImageServing> image_serving(const PlanRequest& request) {
    ImageServing serving;
    auto idle = count_setting(request.host.env, "SKIFF_SERVER_IDLE", serving.idle_seconds, "a number of seconds");
    if (!idle) return Unexpected(idle.error());
    serving.idle_seconds = *idle;
    auto spares = count_setting(request.host.env, "SKIFF_WARM_SPARES", serving.spares, "a number of spares (0: none)");
    if (!spares) return Unexpected(spares.error());
    serving.spares = std::min(*spares, 64);
    auto threads = count_setting(request.host.env, "SKIFF_SERVER_THREADS", serving.threads, "a number of threads (0: one per CPU)");
    if (!threads) return Unexpected(threads.error());
    serving.threads = std::min(*threads, 1024);
    auto cache = count_setting(request.host.env, "SKIFF_SERVER_CACHE_MIB", serving.cache_mib, "a size in MiB");
    if (!cache) return Unexpected(cache.error());
    serving.cache_mib = std::min(*cache, 65536);
    if (request.image.kind != image::ImageSource::Kind::squashfs) serving.cold_reason = "a directory image needs no server";
    else if (!request.cold_reason.empty()) serving.cold_reason = request.cold_reason;
    else if (!request.server_directory)
        serving.cold_reason = request.server_directory_problem.empty() ? "no runtime directory for image servers"
                                                                        : request.server_directory_problem;
    if (!serving.cold_reason.empty()) {
        if (request.image.kind == image::ImageSource::Kind::squashfs) serving.read_profiles = request.read_profiles;
        return serving;
    }
    serving.warm = true;
    serving.server_directory = *request.server_directory;
    serving.server_directory_fd = request.server_directory_fd;
    serving.read_profiles = request.read_profiles;
    serving.read_profiles_fd = request.read_profiles_fd;
    serving.server_name = server_name(request);
    serving.retire_with = request.host.slurm_stepd;
    return serving;
}

void choose_workdir(const PlanRequest& request, LaunchPlan& plan) {
    if (const auto& w = request.environment.workdir) {
        plan.workdir = w->value;
        plan.workdir_origin = w->origin.str();
    } else if (request.image_facts.workdir) {
        plan.workdir = *request.image_facts.workdir;
        plan.workdir_origin = "the image's WORKDIR";
    } else {
        plan.workdir = "/";
        plan.workdir_origin = "skiff";
    }
}

// skiff's own mounts, the hooks' before the EDF's (standard, Slurm: after the /tmp tmpfs), the
// EDF's, the hooks' after them (network), the linker configuration's, the hooks' last (SSH).
std::vector<MountOp> plan_mounts(const PlanRequest& request, bool writable) {
    std::vector<MountOp> mounts = standard_mounts();
    auto add = [&mounts](std::vector<MountOp> more) {
        for (auto& op : more) mounts.push_back(std::move(op));
    };
    add(hook_mounts(request.contributions, MountPlace::before_edf));
    for (const auto& spec : request.environment.mounts) mounts.push_back(from_edf(spec));
    add(hook_mounts(request.contributions, MountPlace::after_edf));
    if (request.linker) add(linker_mounts(*request.linker, writable));
    add(hook_mounts(request.contributions, MountPlace::last));
    return mounts;
}

// What the hooks report (--dry-run, -v), their variables set where the container has none,
// and the servers they start.
void add_hook_results(const PlanRequest& request, LaunchPlan& plan) {
    for (const auto& c : request.contributions) {
        plan.hooks.push_back({c.hook, c.notes});
        for (const auto& [name, value] : c.env_defaults)
            if (!plan.env.contains(name)) plan.env[name] = value;
        if (c.ssh) plan.ssh = c.ssh;
        if (c.mps) plan.mps = c.mps;
    }
}

// A layer kept on disk is a writable root by definition: a read-only root would keep nothing.
Result<std::optional<OverlayDir>> overlay_dir(const PlanRequest& request) {
    if (!request.overlay_dir) return std::optional<OverlayDir>{};
    const auto& writable = request.environment.writable;
    if (writable.value) return std::optional<OverlayDir>{OverlayDir{*request.overlay_dir}};
    std::string origin = writable.origin.str();
    std::string asks = origin == "command line" ? "--read-only" : "writable = false (" + origin + ")";
    return fail("--overlay '" + *request.overlay_dir + "' keeps the writes of a writable root, but " + asks +
                " asks for a read-only one; drop one of the two");
}

ExternalHooks external_hooks(const PlanRequest& request) {
    ExternalHooks hooks = request.external_hooks;
    if (!hooks.scripts.empty()) hooks.fixed_env = names_above_hooks(request);
    return hooks;
}

// --save: a writable root under the kernel's overlayfs (fuse-overlayfs ends with the command,
// and its view with it); the paths skiff writes through the root are taken from the image.
Result<std::optional<ImageSave>> image_save(const PlanRequest& request, const LaunchPlan& plan) {
    if (!request.save) return std::optional<ImageSave>{};
    ImageSave save = *request.save;
    if (!plan.writable)
        return fail(save.context() + ": the root is read-only (" + request.environment.writable.origin.str() +
                    "); a container is saved from its writable root: add --writable");
    if (plan.overlay == OverlayDriver::fuse)
        return fail(save.context() + ": SKIFF_OVERLAY=fuse cannot be saved (fuse-overlayfs ends with the command); "
                    "--save needs the kernel's overlayfs");
    for (const auto& op : plan.mounts)
        if (op.kind == MountKind::write || op.kind == MountKind::symlink || op.replace_symlink)
            save.restore.push_back(op.destination);
    return std::optional<ImageSave>{std::move(save)};
}

}  // namespace

Result<LaunchPlan> make_plan(const PlanRequest& request) {
    LaunchPlan plan;
    plan.image = request.image;
    auto serving = image_serving(request);
    if (!serving) return Unexpected(serving.error());
    plan.serving = std::move(*serving);
    plan.writable = request.environment.writable.value;
    auto overlay = overlay_driver(request.host.env);
    if (!overlay) return Unexpected(overlay.error());
    plan.overlay = *overlay;
    auto dir = overlay_dir(request);
    if (!dir) return Unexpected(dir.error());
    plan.overlay_dir = std::move(*dir);
    plan.ids = id_map(request);
    plan.mounts = plan_mounts(request, plan.writable);
    plan.external_hooks = external_hooks(request);
    auto env = container_environment(request);
    if (!env) return Unexpected(env.error());
    plan.env = std::move(*env);
    add_hook_results(request, plan);
    auto save = image_save(request, plan);
    if (!save) return Unexpected(save.error());
    plan.save = std::move(*save);
    plan.argv = command_line(request);
    choose_workdir(request, plan);
    return plan;
}

}  // namespace skiff::plan
