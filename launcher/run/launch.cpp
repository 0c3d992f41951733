#include "launcher/run/launch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "common/exit_codes.hpp"
#include "launcher/run/apply_mounts.hpp"
#include "launcher/run/external_hooks.hpp"
#include "launcher/run/host_sources.hpp"
#include "launcher/run/mps_daemon.hpp"
#include "launcher/run/save_container.hpp"
#include "launcher/run/save_on_request.hpp"
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

LaunchFailure exec_failure(const SysError& error, const plan::LaunchPlan& plan, const EnvMap& env) {
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
    return Unexpected(SysError{errno, "chdir", plan.workdir}.to_error(plan.workdir_origin + ": workdir"));
}

Result<UniqueFd> clone_directory_image(const plan::LaunchPlan& plan) {
    if (plan.image.kind != image::ImageSource::Kind::directory) return UniqueFd{};
    auto tree = ns::clone_tree(plan.image.path, true);
    if (!tree) return Unexpected(tree.error().to_error("image '" + plan.image.path + "'"));
    return std::move(*tree);
}

// --overlay DIR's lock (launcher/gather/overlay_dir.hpp) passes to the command, and only to
// it: close-on-exec until now, so that the servers, hooks and daemons started before did not
// inherit it. The command sees one more open descriptor, on DIR/lock.
void keep_overlay_lock(const plan::LaunchPlan& plan) {
    if (plan.overlay_dir && plan.overlay_dir->lock_fd >= 0) (void)::fcntl(plan.overlay_dir->lock_fd, F_SETFD, 0);
}

// Step 10: find the command, rank it above the FUSE servers it reads through (which this
// process started with its own OOM score), drop every privilege, exec. A spare builder this launch
//    started (`builder_go`, or -1) serves only if the exec succeeds.
LaunchFailure exec_in_container(const plan::LaunchPlan& plan, const EnvMap& env, Timeline& timeline, int builder_go) {
    auto path = env.contains("PATH") ? env.at("PATH") : "";
    auto file = ns::find_command(plan.argv.front(), path);
    if (!file) return exec_failure(file.error(), plan, env);
    if (auto r = ns::raise_oom_score_adj(oom_rank_above_servers); !r)
        timeline.note("OOM score left as it was: " + r.error().describe());
    if (auto r = ns::drop_privileges(); !r) return setup_failure(r.error().to_error("dropping privileges"));
    timeline.step("exec " + *file);
    keep_overlay_lock(plan);
    spare_builder_go(builder_go);
    auto error = ns::exec_command(*file, plan.argv, env);
    spare_builder_stop(builder_go);
    return exec_failure(error, plan, env);
}

// What the steps of a container hand on to the next.
struct Container {
    std::optional<ns::SquashfsServer> image_server;  // cold: the image's own server
    UniqueFd image_tree;              // a warm clone from the image server, or a directory image's
    UniqueFd overlay_tree;            // --overlay DIR's clone
    std::vector<HostSource> sources;  // index-aligned with plan.mounts
    OverlayTools overlay_tools;
    std::vector<UniqueFd> ssh_sources;
    std::vector<HookScript> hook_scripts;
    UniqueFd root;         // the new root, before the pivot
    std::string ssh_keys;  // the authorized keys' fingerprints, for -v
    EnvMap env;            // the command's, after the hooks.d scripts
    UniqueFd save_socket;  // --save: where the views go (save_container.hpp)
    UniqueFd step_dir;     // a Slurm step's holder: its directory (save_on_request.hpp)
};

// Step 1, in the host's namespaces: the servers, the overlay's programs, the SSH port.
Result<void> start_servers(const plan::LaunchPlan& plan, WarmImage& warm, Container& c) {
    if (warm.tree.valid()) {
        c.image_tree = std::move(warm.tree);
    } else {
        auto cold = start_cold_server(plan);
        if (!cold) return Unexpected(cold.error());
        c.image_server = std::move(*cold);
    }
    auto sources = start_sqsh_servers(plan);
    if (!sources) return Unexpected(sources.error());
    c.sources = std::move(*sources);
    c.overlay_tools = find_overlay_tools(plan);
    if (plan.ssh) return check_ssh_port(*plan.ssh);
    return {};
}

// Step 2.
Result<void> enter_namespaces(const plan::LaunchPlan& plan) {
    if (auto r = ns::enter_user_and_mount_namespace(plan.ids); !r) return Unexpected(r.error().to_error(""));
    if (auto r = ns::make_root_rslave(); !r) return Unexpected(r.error().to_error(""));
    return {};
}

// Step 3.
Result<void> open_sources(const plan::LaunchPlan& plan, Container& c) {
    if (!c.image_tree.valid()) {
        auto tree = clone_directory_image(plan);
        if (!tree) return Unexpected(tree.error());
        c.image_tree = std::move(*tree);
    }
    if (plan.overlay_dir) {
        auto tree = ns::clone_tree(plan.overlay_dir->dir, true);
        if (!tree) return Unexpected(tree.error().to_error("--overlay '" + plan.overlay_dir->dir + "'"));
        c.overlay_tree = std::move(*tree);
    }
    if (auto r = open_host_sources(plan, c.sources); !r) return r;
    if (plan.ssh) {
        auto ssh = open_ssh_sources(*plan.ssh);
        if (!ssh) return Unexpected(ssh.error());
        c.ssh_sources = std::move(*ssh);
    }
    auto scripts = open_hook_scripts(plan);
    if (!scripts) return Unexpected(scripts.error());
    c.hook_scripts = std::move(*scripts);
    return {};
}

// Step 4.
Result<void> mount_image(const plan::LaunchPlan& plan, Container& c, Timeline& timeline) {
    if (auto r = prepare_staging(); !r) return r;
    if (auto r = mount_root(plan, c.image_server, std::move(c.image_tree), std::move(c.overlay_tree), c.overlay_tools,
                            timeline); !r) return r;
    auto root = ns::open_root(Staging::root);
    if (!root) return Unexpected(root.error().to_error("root"));
    c.root = std::move(*root);
    return {};
}

// Step 5b.
Result<void> install_ssh_files(const plan::LaunchPlan& plan, Container& c) {
    if (!plan.ssh) return {};
    auto keys = install_ssh(*plan.ssh, plan.env, c.root.get(), c.ssh_sources);
    if (!keys) return Unexpected(keys.error());
    c.ssh_keys = std::move(*keys);
    return {};
}

// Step 6.
Result<void> run_scripts_and_seal(const plan::LaunchPlan& plan, Container& c, Timeline& timeline) {
    c.env = plan.env;
    if (auto r = run_external_hooks(plan, c.hook_scripts, c.root.get(), c.env, timeline); !r) return r;
    if (plan.writable) return {};
    if (auto r = ns::make_read_only(Staging::root); !r) return Unexpected(r.error().to_error("read-only root"));
    return {};
}

// Step 1b.
Result<void> split_if_saving(const plan::LaunchPlan& plan, Container& c) {
    if (!plan.save) return {};
    keep_overlay_lock(plan);  // --overlay DIR stays locked while the parent's skiff-pull saves it
    auto socket = c.step_dir.valid() ? split_for_step_save(*plan.save, c.step_dir.get()) : split_for_save(*plan.save);
    if (!socket) return Unexpected(socket.error());
    c.save_socket = std::move(*socket);
    return {};
}

// Step 6b.
Result<void> send_views_if_saving(const plan::LaunchPlan& plan, Container& c) {
    if (!plan.save) return {};
    auto sent = send_save_views(c.save_socket.get(), *plan.save, Staging::root, Staging::lower);
    c.save_socket.reset();
    return sent;
}

// Step 7.
Result<void> pivot() {
    if (::chdir(Staging::root) != 0) return Unexpected(SysError{errno, "chdir", Staging::root}.to_error("root"));
    if (auto r = ns::pivot_into_cwd(); !r) return Unexpected(r.error().to_error("root"));
    return {};
}

// Step 9: the MPS control daemon and the SSH server, supervised so that they end with the
// container's main process (supervised_server.hpp).
Result<void> start_processes(const plan::LaunchPlan& plan, const Container& c, Timeline& timeline) {
    if (plan.mps) {
        if (auto r = start_mps(*plan.mps, c.env, timeline); !r) return r;
        timeline.step("started the MPS control daemon");
    }
    if (!plan.ssh) return {};
    if (auto r = start_ssh(*plan.ssh, c.ssh_keys, timeline); !r) return r;
    timeline.step("started sshd");
    return {};
}

// Steps 1-7 of a launch: the container of `plan`, up to the pivot into its root.
Result<void> build_container(const plan::LaunchPlan& plan, WarmImage warm, Container& c, Timeline& timeline) {
    // 1. While this process still sees the host as itself: a squashfs server for the image
    //    unless the image server sent a warm clone, one for each data squashfs.
    if (auto r = start_servers(plan, warm, c); !r) return r;
    timeline.step("started squashfs servers");
    // 1b. --save: a parent stays on the host to write the image later (save_container.hpp).
    if (auto r = split_if_saving(plan, c); !r) return r;
    // 2. New user namespace (single-ID map) and mount namespace; host events flow in only.
    if (auto r = enter_namespaces(plan); !r) return r;
    timeline.step("entered user and mount namespace");
    // 3. Detached clones of every host path we bind, and the hook scripts: no host path of
    //    the plan is resolved after this.
    if (auto r = open_sources(plan, c); !r) return r;
    timeline.step("opened host sources");
    // 4. The root: image + overlay (writable layer in memory, or --overlay DIR's) in the
    //    private staging tmpfs.
    if (auto r = mount_image(plan, c, timeline); !r) return r;
    timeline.step("mounted the image with an overlay");
    // 5. Every mount, destinations resolved inside the root; then the SSH server's files on a
    //    tmpfs of their own, after every EDF mount: a bind over $HOME cannot hide the key.
    if (auto r = apply_mounts(plan, c.sources, c.root.get(), timeline); !r) return r;
    timeline.step("applied " + std::to_string(plan.mounts.size()) + " mounts");
    if (auto r = install_ssh_files(plan, c); !r) return r;
    // 6. External hooks (hooks.d) see the finished root at ENROOT_ROOTFS; their mounts are
    //    confined to it like ours. Only then may the root become read-only.
    if (auto r = run_scripts_and_seal(plan, c, timeline); !r) return r;
    // 6b. --save: the root without its mounts, and the image, to the parent.
    if (auto r = send_views_if_saving(plan, c); !r) return r;
    // 7. Pivot into the root; the old root and the staging area vanish from the namespace.
    if (auto r = pivot(); !r) return r;
    timeline.step("pivoted into the container");
    return {};
}

// Step 0: namespaces built ahead for this plan (a spare), else a clone from the user's image
// server (warm), else nothing (step 1 starts a server of the launch's own). Spares are built
// by a detached process per plan, off the launches' path, which starts serving only once this
// launch runs its command (`builder_go`).
WarmImage choose_image(const plan::LaunchPlan& plan, bool holder, UniqueFd& builder_go, Timeline& timeline) {
    auto spares = choose_spare(plan, holder);
    auto warm = warm_image(plan, spares);
    if (!warm.warning.empty()) std::fprintf(stderr, "skiff: warning: %s\n", warm.warning.c_str());
    timeline.step(warm.note);
    if (warm.start_builder) {
        builder_go = start_spare_builder(plan, spares.key);
        timeline.step("started the plan's spare builder (it serves once the command runs)");
    }
    return warm;
}

// A Slurm step's holder with a save to do: the step's directory, where its parent half listens
// for the plugin (save_on_request.hpp).
Result<void> open_step_dir_if_saving(const plan::LaunchPlan& plan, const HolderSpec& holder, Container& c) {
    if (!plan.save) return {};
    auto step_dir = ns::open_root(std::filesystem::path(holder.state_file).parent_path());
    if (!step_dir) return Unexpected(step_dir.error().to_error("--container-save"));
    c.step_dir = std::move(*step_dir);
    return {};
}

// In place of steps 1-7: the spare's namespaces, built by the same steps.
Result<void> join_spare(const plan::LaunchPlan& plan, const ns::SpareNamespaces& spare, Container& c,
                        Timeline& timeline) {
    if (auto r = ns::enter_namespaces(spare); !r) return Unexpected(r.error().to_error("spare"));
    c.env = plan.env;
    timeline.step("joined the spare's user and mount namespace");
    return {};
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

}  // namespace

LaunchFailure launch(const plan::LaunchPlan& plan, Timeline& timeline) {
    UniqueFd builder_go;
    auto warm = choose_image(plan, false, builder_go, timeline);
    Container c;
    auto built = warm.spare ? join_spare(plan, *warm.spare, c, timeline) : build_container(plan, std::move(warm), c, timeline);
    if (!built) return setup_failure(built.error());
    // 8. The working directory, inside the container.
    if (auto r = enter_workdir(plan); !r) return setup_failure(r.error());
    // 9. The processes the plan starts before its command (the MPS daemon, sshd).
    if (auto r = start_processes(plan, c, timeline); !r) return setup_failure(r.error());
    // 10. The command, with every privilege dropped.
    return exec_in_container(plan, c.env, timeline, builder_go.get());
}

LaunchFailure launch_holder(const plan::LaunchPlan& plan, Timeline& timeline, const HolderSpec& holder) {
    auto base = open_holder_base(holder);
    if (!base) return setup_failure(base.error());
    UniqueFd no_builder;
    auto warm = choose_image(plan, true, no_builder, timeline);
    Container c;
    if (auto r = open_step_dir_if_saving(plan, holder, c); !r) return setup_failure(r.error());
    if (auto r = build_container(plan, std::move(warm), c, timeline); !r) return setup_failure(r.error());
    if (auto r = enter_workdir(plan); !r) return setup_failure(r.error());
    if (auto r = start_processes(plan, c, timeline); !r) return setup_failure(r.error());
    hold(holder, plan, c.env, std::move(*base));
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
    const SpareHold spare{ready_fd, hold_fd, warm.server};
    Container c;
    if (auto r = build_container(plan, std::move(warm), c, quiet); !r) return setup_failure(r.error());
    hold_spare(spare);
}

}  // namespace skiff::run
