#include "launcher/run/host_sources.hpp"

#include <sys/stat.h>

#include "namespaces/mount_ops.hpp"

namespace skiff::run {
Error mount_error(const plan::MountOp& op, const SysError& error) {
    std::string what = op.source.empty() ? "'" + op.destination + "'" : "'" + op.source + "' -> '" + op.destination + "'";
    // A built-in mount's origin is "skiff" (what --dry-run prints); as a context it would read
    // "skiff: error: skiff: mount ...".
    std::string where = op.origin == "skiff" ? "built-in mount " : op.origin + ": mount ";
    return error.to_error(where + what);
}

namespace {

ns::ServeLimits serve_limits(const plan::ImageServing& serving) {
    return {static_cast<unsigned>(serving.threads), static_cast<std::size_t>(serving.cache_mib) << 20};
}

}  // namespace

Result<std::optional<ns::SquashfsServer>> start_cold_server(const plan::LaunchPlan& plan) {
    if (plan.image.kind != image::ImageSource::Kind::squashfs) return std::optional<ns::SquashfsServer>{};
    auto server = ns::start_squashfs_server(plan.image.path, plan.ids.inside_uid, plan.ids.inside_gid,
                                            serve_limits(plan.serving), plan.serving.read_profiles);
    if (!server) return Unexpected(server.error().to_error("image '" + plan.image.path + "'"));
    return std::optional<ns::SquashfsServer>(std::move(*server));
}

Result<std::vector<HostSource>> start_sqsh_servers(const plan::LaunchPlan& plan) {
    std::vector<HostSource> sources(plan.mounts.size());
    for (std::size_t i = 0; i < plan.mounts.size(); ++i) {
        const auto& op = plan.mounts[i];
        if (op.kind != plan::MountKind::sqsh) continue;
        auto server = ns::start_squashfs_server(op.source, plan.ids.inside_uid, plan.ids.inside_gid,
                                                serve_limits(plan.serving));
        if (!server) return Unexpected(mount_error(op, server.error()));
        sources[i].server = std::move(*server);
    }
    return sources;
}

Result<void> open_host_sources(const plan::LaunchPlan& plan, std::vector<HostSource>& sources) {
    for (std::size_t i = 0; i < plan.mounts.size(); ++i) {
        const auto& op = plan.mounts[i];
        auto& source = sources[i];
        if (op.kind == plan::MountKind::sqsh) {
            auto fuse = ns::open_fuse_device();
            if (!fuse) return Unexpected(fuse.error().to_error(op.origin + ": sqsh mount '" + op.source + "'"));
            source.fuse = std::move(*fuse);
        }
        if (auto r = open_host_source(op, source); !r) return r;
    }
    return {};
}

Result<void> open_host_source(const plan::MountOp& op, HostSource& source) {
    if (op.kind != plan::MountKind::bind) return {};
    struct stat st {};
    if (::stat(op.source.c_str(), &st) != 0) {
        if (op.missing == plan::MissingSource::skip) return {};
        return Unexpected(mount_error(op, {errno, "stat", op.source}));
    }
    source.is_directory = S_ISDIR(st.st_mode);
    auto tree = ns::clone_tree(op.source, op.recursive);
    if (!tree) return Unexpected(mount_error(op, tree.error()));
    source.tree = std::move(*tree);
    return {};
}

}  // namespace skiff::run
