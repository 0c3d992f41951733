#include "hooks/cdi/cdi_contribution.hpp"

#include <algorithm>
#include <set>

#include "hooks/cdi/cdi_mounts.hpp"
#include "hooks/cdi/nvidia_hooks.hpp"
#include "hooks/cdi/one_line.hpp"
#include "libfabric-bind/elf_probe.hpp"

namespace skiff::cdi {
namespace {

using plan::Contribution;
using plan::MountOp;

// Everything the edits bring, before it is put in order.
struct Collected {
    std::vector<MountOp> mounts;
    std::vector<MountOp> nodes;
    NativeHooks hooks;
};

// Rootless, skiff can add no groups, RDT class or network device to the container.
Result<void> refuse_privileged(const ContainerEdits& e, const std::string& label) {
    auto refuse = [&](const std::string& what) {
        return fail("CDI " + label + ": " + what + " is not supported rootless (it needs privilege skiff does not have)");
    };
    if (!e.additional_gids.empty()) return refuse("additionalGids");
    if (e.intel_rdt) return refuse("intelRdt");
    if (!e.net_devices.empty()) return refuse("netDevices");
    return {};
}

void add_env(const ContainerEdits& e, const std::string& label, Contribution& out) {
    for (const auto& kv : e.env) {
        auto equals = kv.find('=');
        out.env.emplace_back(kv.substr(0, equals), kv.substr(equals + 1));
        out.notes.push_back(label + ": env " + kv);
    }
}

Result<void> add_nodes(const ContainerEdits& e, const std::string& label, Collected& all, Contribution& out) {
    for (const auto& node : e.device_nodes) {
        auto op = device_node_mount(node, label);
        if (!op) return Unexpected(op.error());
        out.host_inputs->push_back({op->source, true});
        all.nodes.push_back(std::move(*op));
        std::string moot = node.uid || node.gid || node.file_mode ? " (uid, gid, fileMode moot rootless)" : "";
        out.notes.push_back(label + ": device " + node.host() + " -> " + node.path + moot);
    }
    return {};
}

Result<void> collect(const ResolvedEdits& r, Collected& all, Contribution& out) {
    std::string label = r.label();
    const ContainerEdits& e = *r.edits;
    if (auto ok = refuse_privileged(e, label); !ok) return ok;
    add_env(e, label, out);
    if (auto ok = add_nodes(e, label, all, out); !ok) return ok;
    for (const auto& mount : e.mounts) {
        auto op = cdi_mount(mount, label, out.notes);
        if (!op) return Unexpected(op.error());
        all.mounts.push_back(std::move(*op));
    }
    for (const auto& hook : e.hooks)
        if (auto ok = add_native_hook(hook, label, all.hooks); !ok) return ok;
    return {};
}

std::size_t depth(const std::string& path) { return static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')); }

std::string parent_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

// update-ldcache: each library a mount puts into one of the folders joins the cache under its
// soname, and, as ldconfig does, gets its soname link in that folder (libcuda.so.1 ->
// libcuda.so.550.54.15), which the .so links of create-symlinks point to.
void add_cache_entries(const std::vector<std::string>& folders, Contribution& out,
                       std::vector<std::pair<std::string, std::string>>& links) {
    for (const auto& op : out.mounts) {
        if (std::find(folders.begin(), folders.end(), parent_of(op.destination)) == folders.end()) continue;
        elf::ProbeOptions quick{.versions = false, .needed = false};
        auto info = elf::probe_file(op.source, quick);
        out.host_inputs->push_back({op.source, false});
        if (!info || !info->soname) continue;  // not a library: ldconfig would skip it too
        out.cache_entries.push_back({*info->soname, op.destination});
        out.notes.push_back("linker cache: " + *info->soname + " -> " + op.destination);
        std::string name = op.destination.substr(op.destination.rfind('/') + 1);
        if (name != *info->soname) links.emplace_back(name, parent_of(op.destination) + "/" + *info->soname);
    }
}

// Devices of one kind often repeat edits (NVIDIA's "all" holds every GPU's): each bind,
// symlink and cache key is kept once, first wins.
void drop_repeated_mounts(std::vector<MountOp>& mounts) {
    std::vector<MountOp> kept;
    for (auto& op : mounts) {
        bool seen = std::any_of(kept.begin(), kept.end(), [&](const MountOp& k) {
            return k.kind == op.kind && k.destination == op.destination && k.source == op.source;
        });
        if (!seen) kept.push_back(std::move(op));
    }
    mounts = std::move(kept);
}

MountOp symlink_op(const std::string& target, const std::string& link) {
    MountOp op;
    op.kind = plan::MountKind::symlink;
    op.source = target;
    op.destination = link;
    op.origin = "cdi: NVIDIA hooks";
    return op;
}

}  // namespace

Result<Contribution> cdi_contribution(const Resolution& resolution) {
    Contribution out;
    out.hook = hook_name;
    out.host_inputs.emplace();
    for (const auto& device : resolution.devices) out.notes.push_back("device " + device);
    Collected all;
    for (const auto& r : resolution.edits)
        if (auto ok = collect(r, all, out); !ok) return fail(one_line(ok.error().message));
    std::stable_sort(all.mounts.begin(), all.mounts.end(),
                     [](const MountOp& a, const MountOp& b) { return depth(a.destination) < depth(b.destination); });
    drop_repeated_mounts(all.mounts);
    drop_repeated_mounts(all.nodes);
    out.mounts = std::move(all.mounts);
    std::vector<std::pair<std::string, std::string>> links;
    add_cache_entries(all.hooks.ldcache_folders, out, links);
    out.mounts.insert(out.mounts.end(), all.nodes.begin(), all.nodes.end());
    links.insert(links.end(), all.hooks.symlinks.begin(), all.hooks.symlinks.end());
    std::set<std::string> linked;
    for (const auto& [target, link] : links) {
        if (!linked.insert(link).second) continue;
        out.mounts.push_back(symlink_op(target, link));
        out.notes.push_back("symlink " + link + " -> " + target);
    }
    out.notes.insert(out.notes.end(), all.hooks.notes.begin(), all.hooks.notes.end());
    return out;
}

Result<Contribution> cdi_contribution(const CdiRegistry& registry, const std::vector<std::string>& names) {
    auto resolution = resolve_devices(registry, names);
    if (!resolution) return Unexpected(resolution.error());
    return cdi_contribution(*resolution);
}

}  // namespace skiff::cdi
