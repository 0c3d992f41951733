#include "launcher/run/execute.hpp"

#include <unistd.h>

#include <cstdio>

#include "common/exit_codes.hpp"
#include "launcher/run/apply_mounts.hpp"
#include "launcher/run/external_hooks.hpp"
#include "launcher/run/host_sources.hpp"
#include "launcher/run/spare_builder.hpp"
#include "launcher/run/ssh_server.hpp"
#include "launcher/run/staging.hpp"
#include "launcher/run/warm_image.hpp"
#include "namespaces/exec.hpp"
#include "namespaces/mount_ops.hpp"
#include "namespaces/oom_score.hpp"
#include "namespaces/path_in_root.hpp"
#include "namespaces/user_namespace.hpp"

namespace skiff::run {
namespace {

LaunchFailure setup_failure(Error error) { return {exit_code::setup_failed, std::move(error)}; }

LaunchFailure exec_failure(const ns::SysError& error, const plan::LaunchPlan& plan, const EnvMap& env) {
    const std::string& name = plan.argv.front();
    if (error.op == "execve" && error.path == name && error.code == ENOENT) {
        auto path = env.contains("PATH") ? env.at("PATH") : "";
        return {exit_code::not_found, Error{"command '" + name + "' not found in the container (PATH=" + path + ")"}};
    }
    int code = error.code == ENOENT ? exit_code::not_found : exit_code::not_executable;
    std::string hint = error.code == ENOENT ? "; its interpreter or loader is missing in the image" : "";
    return {code, Error{"cannot execute '" + error.path + "': " + error.describe().substr(error.op.size() + error.path.size() + 5) + hint}};
}

Result<void> enter_workdir(const plan::LaunchPlan& plan) {
    if (::chdir(plan.workdir.c_str()) == 0) return {};
    if (errno == ENOENT || errno == ENOTDIR)
        return fail(plan.workdir_origin + ": workdir '" + plan.workdir + "' does not exist in the container");
    return Unexpected(ns::SysError{errno, "chdir", plan.workdir}.to_error(plan.workdir_origin + ": workdir"));
}

Result<UniqueFd> clone_directory_image(const plan::LaunchPlan& plan) {
    if (plan.image.kind != image::ImageSource::Kind::directory) return UniqueFd{};
    auto tree = ns::clone_tree(plan.image.path, true);
    if (!tree) return Unexpected(tree.error().to_error("image '" + plan.image.path + "'"));
    return std::move(*tree);
}

// 8. Find the command, rank it above the FUSE servers it reads through (which this process
//    started with its own OOM score), drop every privilege, exec. A spare builder this launch
//    started (`builder_go`, or -1) serves only if the exec succeeds.
LaunchFailure exec_in_container(const plan::LaunchPlan& plan, const EnvMap& env, Timeline& timeline, int builder_go) {
    auto path = env.contains("PATH") ? env.at("PATH") : "";
    auto file = ns::find_command(plan.argv.front(), path);
    if (!file) return exec_failure(file.error(), plan, env);
    if (auto r = ns::raise_oom_score_adj(oom_rank_above_servers); !r)
        timeline.note("OOM score left as it was: " + r.error().describe());
    if (auto r = ns::drop_privileges(); !r) return setup_failure(r.error().to_error("dropping privileges"));
    timeline.step("exec " + *file);
    spare_builder_go(builder_go);
    auto error = ns::exec_command(*file, plan.argv, env);
    spare_builder_stop(builder_go);
    return exec_failure(error, plan, env);
}

// The launch's namespaces were built ahead (spare_builder.hpp): only what belongs to the
// process is left.
LaunchFailure launch_in_spare(const plan::LaunchPlan& plan, const ns::SpareNamespaces& spare, Timeline& timeline,
                              int builder_go) {
    if (auto r = ns::enter_namespaces(spare); !r) return setup_failure(r.error().to_error("spare"));
    if (auto r = enter_workdir(plan); !r) return setup_failure(r.error());
    timeline.step("joined the spare's user and mount namespace");
    return exec_in_container(plan, plan.env, timeline, builder_go);
}

// A spare being built (build_spare): where it reports and waits once built.
struct SpareHold {
    int ready_fd;
    int hold_fd;
    std::string server;  // the token of the server whose clone it holds
};

[[noreturn]] void hold_spare(const SpareHold& spare) {
    std::string ready = "R" + spare.server;
    (void)!::write(spare.ready_fd, ready.data(), ready.size());
    char byte;
    while (::read(spare.hold_fd, &byte, 1) != 0 && errno == EINTR) {}
    ::_exit(0);
}

// Steps 1b-8 of a launch; with `spare`, steps 1b-7 and hold_spare.
LaunchFailure build_container(const plan::LaunchPlan& plan, WarmImage warm, Timeline& timeline,
                              const HolderSpec* holder, UniqueFd holder_base, const SpareHold* spare,
                              int builder_go) {
    std::optional<ns::SquashfsServer> image_server;
    if (!warm.tree.valid()) {
        auto cold = start_cold_server(plan);
        if (!cold) return setup_failure(cold.error());
        image_server = std::move(*cold);
    }
    auto sources = start_sqsh_servers(plan);
    if (!sources) return setup_failure(sources.error());
    const OverlayTools overlay_tools = find_overlay_tools(plan);
    timeline.step("started squashfs servers");
    if (plan.ssh)
        if (auto r = check_ssh_port(*plan.ssh); !r) return setup_failure(r.error());

    // 2. New user namespace (single-ID map) and mount namespace; host events flow in only.
    if (auto r = ns::enter_user_and_mount_namespace(plan.ids); !r) return setup_failure(r.error().to_error(""));
    if (auto r = ns::make_root_rslave(); !r) return setup_failure(r.error().to_error(""));
    timeline.step("entered user and mount namespace");

    // 3. Detached clones of every host path we bind, and the hook scripts: no host path of
    //    the plan is resolved after this.
    auto image_tree = warm.tree.valid() ? Result<UniqueFd>(std::move(warm.tree)) : clone_directory_image(plan);
    if (!image_tree) return setup_failure(image_tree.error());
    if (auto r = open_host_sources(plan, *sources); !r) return setup_failure(r.error());
    Result<std::vector<UniqueFd>> ssh_sources = std::vector<UniqueFd>{};
    if (plan.ssh) ssh_sources = open_ssh_sources(*plan.ssh);
    if (!ssh_sources) return setup_failure(ssh_sources.error());
    auto hook_scripts = open_hook_scripts(plan);
    if (!hook_scripts) return setup_failure(hook_scripts.error());
    timeline.step("opened host sources");

    // 4. The root: image + overlay (writable layer in memory) in the private staging tmpfs.
    if (auto r = prepare_staging(); !r) return setup_failure(r.error());
    if (auto r = mount_root(plan, image_server, std::move(*image_tree), overlay_tools, timeline); !r) return setup_failure(r.error());
    timeline.step("mounted the image with an overlay");

    // 5. Every mount, destinations resolved inside the root.
    auto root = ns::open_root(Staging::root);
    if (!root) return setup_failure(root.error().to_error("root"));
    if (auto r = apply_mounts(plan, *sources, root->get(), timeline); !r) return setup_failure(r.error());
    timeline.step("applied " + std::to_string(plan.mounts.size()) + " mounts");
    // 5b. The SSH server's files on a tmpfs of their own, after every EDF mount: a bind over
    //     $HOME or /users cannot hide the authorized key.
    std::string ssh_keys;
    if (plan.ssh) {
        auto keys = install_ssh(*plan.ssh, root->get(), *ssh_sources);
        if (!keys) return setup_failure(keys.error());
        ssh_keys = std::move(*keys);
    }

    // 6. External hooks (hooks.d) see the finished root at ENROOT_ROOTFS; their mounts are
    //    confined to it like ours. Only then may the root become read-only.
    EnvMap env = plan.env;
    if (auto r = run_external_hooks(plan, *hook_scripts, root->get(), env, timeline); !r) return setup_failure(r.error());
    if (!plan.writable)
        if (auto r = ns::make_read_only(Staging::root); !r) return setup_failure(r.error().to_error("read-only root"));

    // 7. Pivot into the root; the old root and the staging area vanish from the namespace.
    if (::chdir(Staging::root) != 0) return setup_failure(ns::SysError{errno, "chdir", Staging::root}.to_error("root"));
    if (auto r = ns::pivot_into_cwd(); !r) return setup_failure(r.error().to_error("root"));
    if (spare) hold_spare(*spare);
    if (auto r = enter_workdir(plan); !r) return setup_failure(r.error());
    timeline.step("pivoted into the container");

    // 7b. The SSH server, supervised so that it ends with the command (supervised_server.hpp).
    if (plan.ssh) {
        if (auto r = start_ssh(*plan.ssh, ssh_keys, timeline); !r) return setup_failure(r.error());
        timeline.step("started sshd");
    }

    if (holder) hold(*holder, plan, env, std::move(holder_base));
    return exec_in_container(plan, env, timeline, builder_go);
}

}  // namespace

LaunchFailure execute(const plan::LaunchPlan& plan, Timeline& timeline, const HolderSpec* holder) {
    UniqueFd holder_base;
    if (holder) {
        auto base = open_holder_base(*holder);
        if (!base) return setup_failure(base.error());
        holder_base = std::move(*base);
    }
    // 1. The image: namespaces built ahead for this plan (a spare), else a clone from the
    //    user's image server (warm), else a squashfs server of its own (cold); data squashfs
    //    mounts always get their own. While this process still sees the host as itself.
    //    Spares are built by a detached process per plan, off the launches' path, which
    //    starts only once this launch runs its command.
    auto spares = choose_spare(plan, holder != nullptr);
    auto warm = warm_image(plan, spares);
    if (!warm.warning.empty()) std::fprintf(stderr, "skiff: warning: %s\n", warm.warning.c_str());
    timeline.step(warm.note);
    UniqueFd builder_go;
    if (warm.start_builder) {
        builder_go = start_spare_builder(plan, spares.key);
        timeline.step("started the plan's spare builder (it serves once the command runs)");
    }
    if (warm.spare) return launch_in_spare(plan, *warm.spare, timeline, builder_go.get());
    return build_container(plan, std::move(warm), timeline, holder, std::move(holder_base), nullptr, builder_go.get());
}

LaunchFailure build_spare(const plan::LaunchPlan& launch_plan, int ready_fd, int hold_fd) {
    // fuse-overlayfs would die with this process (PR_SET_PDEATHSIG): kernel overlayfs or no spare.
    plan::LaunchPlan plan = launch_plan;
    plan.overlay = plan::OverlayDriver::kernel;
    Timeline quiet(false);
    SpareChoice building;
    building.building = true;
    auto warm = warm_image(plan, building);
    if (!warm.tree.valid()) return setup_failure(Error{warm.note});
    const SpareHold hold{ready_fd, hold_fd, warm.server};
    return build_container(plan, std::move(warm), quiet, nullptr, {}, &hold, -1);
}

}  // namespace skiff::run
