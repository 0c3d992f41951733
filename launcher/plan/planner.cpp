#include "launcher/plan/planner.hpp"

#include "launcher/plan/environment_layers.hpp"
#include "launcher/plan/mount_plan.hpp"

namespace skiff::plan {
namespace {

ns::IdMap id_map(const PlanRequest& request) {
    ns::IdMap ids;
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

}  // namespace

Result<LaunchPlan> make_plan(const PlanRequest& request) {
    LaunchPlan plan;
    plan.image = request.image;
    plan.writable = request.environment.writable.value;
    auto overlay = overlay_driver(request.host.env);
    if (!overlay) return Unexpected(overlay.error());
    plan.overlay = *overlay;
    plan.ids = id_map(request);
    plan.mounts = standard_mounts(request);
    for (const auto& spec : request.environment.mounts) plan.mounts.push_back(from_edf(spec));
    if (request.linker)
        for (auto& op : linker_mounts(*request.linker, plan.writable)) plan.mounts.push_back(std::move(op));
    auto env = container_environment(request);
    if (!env) return Unexpected(env.error());
    plan.env = std::move(*env);
    plan.argv = command_line(request);
    choose_workdir(request, plan);
    return plan;
}

}  // namespace skiff::plan
