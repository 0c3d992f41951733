#include "launcher/plan/render.hpp"

#include <fmt/format.h>

namespace skiff::plan {
namespace {

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

const char* kind_name(MountKind kind) {
    switch (kind) {
        case MountKind::bind: return "bind";
        case MountKind::sqsh: return "sqsh";
        case MountKind::tmpfs: return "tmpfs";
        case MountKind::file: return "file";
        case MountKind::write: return "write";
        case MountKind::links: return "links";
        case MountKind::symlink: return "symlink";
    }
    return "?";
}

const char* propagation_name(Propagation p) {
    switch (p) {
        case Propagation::rprivate: return "rprivate";
        case Propagation::private_: return "private";
        case Propagation::rslave: return "rslave";
        case Propagation::slave: return "slave";
    }
    return "?";
}

const char* create_name(CreatePolicy c) {
    switch (c) {
        case CreatePolicy::none: return "none";
        case CreatePolicy::directory: return "dir";
        case CreatePolicy::file: return "file";
        case CreatePolicy::like_source: return "like-source";
    }
    return "?";
}

std::string flags(const MountOp& op) {
    if (op.kind == MountKind::symlink) return "symlink";
    std::string f = op.read_only ? "ro" : "rw";
    if (op.kind == MountKind::bind) f += op.recursive ? ",rbind" : ",bind";
    if (op.nosuid) f += ",nosuid";
    if (op.nodev) f += ",nodev";
    if (op.noexec) f += ",noexec";
    if (op.kind == MountKind::bind) f += std::string(",") + propagation_name(op.propagation);
    if (op.ldcache) f += ",ldcache";
    if (!op.options.empty()) f += "," + op.options;
    return f;
}

std::string mount_line(const MountOp& op) {
    std::string source = op.kind == MountKind::links ? fmt::format("({} links)", op.links.size())
                         : op.kind == MountKind::file || op.kind == MountKind::write
                             ? fmt::format("({} bytes)", op.content.size())
                         : op.source.empty()        ? "-"
                                                    : op.source;
    std::string policy = fmt::format("create={} missing-source={}", create_name(op.create),
                                     op.missing == MissingSource::skip ? "skip" : "error");
    if (op.optional_destination) policy += " optional";
    if (op.replace_symlink) policy += " replace-symlink";
    return fmt::format("mount    {:<5} {} -> {} [{}] {} ({})\n", kind_name(op.kind), source, op.destination,
                       flags(op), policy, op.origin);
}

std::string hook_lines(const LaunchPlan& plan) {
    std::string out;
    const auto& external = plan.external_hooks;
    for (const auto& script : external.scripts)
        out += fmt::format("hook     {} (external, timeout {} s)\n", script, external.timeout_s);
    if (external.scripts.empty()) return out;
    for (const auto& [name, value] : external.environment)
        if (name.starts_with("OCI_ANNOTATION_")) out += fmt::format("hookenv  {}={}\n", name, quoted(value));
    return out;
}

}  // namespace

std::string render(const LaunchPlan& plan) {
    std::string out;
    const bool squashfs = plan.image.kind == image::ImageSource::Kind::squashfs;
    out += fmt::format("image    {} {}\n", squashfs ? "squashfs" : "directory", plan.image.path);
    const auto& serving = plan.serving;
    if (serving.warm)
        out += fmt::format("server   warm: the image server at {}/{}.sock, started if needed (idle exit after {} s)\n",
                           serving.server_directory, serving.server_name, serving.idle_seconds);
    else
        out += fmt::format("server   cold: {}\n", serving.cold_reason);
    if (squashfs)
        out += fmt::format("server   {}, a {} MiB block cache\n",
                           serving.threads ? fmt::format("{} threads", serving.threads) : "a thread per usable CPU",
                           serving.cache_mib);
    const char* driver = plan.overlay == OverlayDriver::kernel ? "kernel overlayfs"
                         : plan.overlay == OverlayDriver::fuse ? "fuse-overlayfs"
                                                               : "kernel overlayfs, else fuse-overlayfs";
    if (plan.overlay_dir)
        out += fmt::format("root     overlay ({}), writable (writes go to {}/upper and stay; locked while it runs)\n",
                           driver, plan.overlay_dir->dir);
    else
        out += fmt::format("root     overlay ({}), {} (writes go to memory and vanish at exit)\n", driver,
                           plan.writable ? "writable" : "read-only");
    out += fmt::format("ids      uid {} -> {}, gid {} -> {}\n", plan.ids.outside_uid, plan.ids.inside_uid,
                       plan.ids.outside_gid, plan.ids.inside_gid);
    for (const auto& hook : plan.hooks)
        for (const auto& note : hook.notes) out += fmt::format("hook     {}: {}\n", hook.hook, note);
    for (const auto& op : plan.mounts) out += mount_line(op);
    out += hook_lines(plan);
    for (const auto& [name, value] : plan.env) out += fmt::format("env      {}={}\n", name, quoted(value));
    if (plan.ssh) {
        out += fmt::format("ssh      sshd on 0.0.0.0:{}, key {}, {} host files under /.skiff/ssh/host\n", plan.ssh->port,
                           plan.ssh->key_file, plan.ssh->host_files.size());
        if (plan.ssh->job)
            out += fmt::format("ssh      the step's host and user keys, {} node names in known_hosts and ssh_config\n",
                               plan.ssh->job->nodes);
    }
    if (plan.mps) {
        out += fmt::format("mps      {} -f, pipes in {}, logs in {}, CUDA_VISIBLE_DEVICES={}\n", plan.mps->control,
                           plan.mps->pipe_dir, plan.mps->log_dir, plan.mps->visible_devices);
    }
    if (plan.save)
        out += fmt::format("save     {} when the command {}, with skiff's mounts and {} files it writes left out ({})\n",
                           plan.save->path, plan.save->always ? "exits, whatever its status" : "exits with status 0",
                           plan.save->restore.size(), plan.save->origin);
    out += fmt::format("workdir  {} ({})\n", plan.workdir, plan.workdir_origin);
    out += "argv    ";
    for (const auto& a : plan.argv) out += " " + quoted(a);
    return out + "\n";
}

}  // namespace skiff::plan
