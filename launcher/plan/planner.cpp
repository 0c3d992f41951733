#include "launcher/plan/planner.hpp"

#include <algorithm>
#include <charconv>

#include "hooks/external/external_settings.hpp"
#include "hooks/external/hook_environment.hpp"
#include "hooks/slurm/slurm_hook.hpp"
#include "hooks/ssh/ssh_files.hpp"
#include "hooks/standard/standard_hooks.hpp"
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
    if (request.image.kind != image::ImageSource::Kind::squashfs) serving.cold_reason = "a directory image needs no server";
    else if (request.cold) serving.cold_reason = "--cold";
    else if (!request.server_directory) serving.cold_reason = request.server_directory_problem;
    if (!serving.cold_reason.empty()) {
        if (request.image.kind == image::ImageSource::Kind::squashfs) serving.read_profiles = request.read_profiles;
        return serving;
    }
    serving.warm = true;
    serving.server_directory = *request.server_directory;
    serving.server_directory_fd = request.server_directory_fd;
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

// Through the writable layer, or bound read-only on a read-only root (hooks.md §3.4).
MountOp ssh_profile_mount(bool writable_root) {
    MountOp op;
    op.kind = writable_root ? MountKind::write : MountKind::file;
    op.destination = hooks::ssh_profile_path;
    op.read_only = true;
    op.create = CreatePolicy::file;
    op.content = hooks::ssh_profile_snippet();
    op.optional_destination = true;
    op.origin = "ssh hook";
    return op;
}

// skiff's own mounts, then the standard hooks' (switched in the site configuration), the Slurm
// hook's (after the /tmp tmpfs), the EDF's, the network hooks' and the linker configuration's.
Result<void> plan_mounts(const PlanRequest& request, const std::vector<MountOp>& slurm_mounts, LaunchPlan& plan) {
    plan.mounts = standard_mounts();
    auto switches = hooks::standard::read_switches(request.site);
    if (!switches) return Unexpected(switches.error());
    for (auto& contribution : hooks::standard::contribute(request, *switches)) {
        plan.hooks.push_back({contribution.hook, {"standard hook, on ([hooks.standard])"}});
        for (auto& op : contribution.mounts) plan.mounts.push_back(std::move(op));
    }
    for (const auto& op : slurm_mounts) plan.mounts.push_back(op);
    for (const auto& spec : request.environment.mounts) plan.mounts.push_back(from_edf(spec));
    for (auto& op : hook_mounts(request.contributions)) plan.mounts.push_back(std::move(op));
    for (const auto& c : request.contributions) plan.hooks.push_back({c.hook, c.notes});
    if (request.linker)
        for (auto& op : linker_mounts(*request.linker, plan.writable)) plan.mounts.push_back(std::move(op));
    return {};
}

Result<ExternalHooks> external_hooks(const PlanRequest& request) {
    ExternalHooks hooks;
    if (request.external_hooks.empty()) return hooks;
    auto settings = hooks::external::read_settings(request.site, request.host.env);
    if (!settings) return Unexpected(settings.error());
    hooks.scripts = request.external_hooks;
    hooks.environment = hooks::external::hook_environment(request.host.env, request.environment.annotations);
    hooks.fixed_env = names_above_hooks(request);
    hooks.timeout_s = settings->timeout_s;
    return hooks;
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
    plan.ids = id_map(request);
    auto slurm = hooks::slurm_hook(request.environment, request.host.env, request.host.uid);
    if (!slurm) return Unexpected(slurm.error());
    if (auto r = plan_mounts(request, slurm->mounts, plan); !r) return Unexpected(r.error());
    auto external = external_hooks(request);
    if (!external) return Unexpected(external.error());
    plan.external_hooks = std::move(*external);
    auto env = container_environment(request);
    if (!env) return Unexpected(env.error());
    plan.env = std::move(*env);
    hooks::apply_slurm_env(*slurm, plan.env);
    if (request.ssh) {
        plan.ssh = request.ssh;
        plan.ssh->environment = hooks::ssh_environment_file(plan.env);
        plan.mounts.push_back(ssh_profile_mount(plan.writable));
    }
    plan.argv = command_line(request);
    choose_workdir(request, plan);
    return plan;
}

}  // namespace skiff::plan
