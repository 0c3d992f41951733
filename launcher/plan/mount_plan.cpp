#include "launcher/plan/mount_plan.hpp"

namespace skiff::plan {
namespace {

MountOp builtin(MountKind kind, std::string source, std::string destination) {
    MountOp op;
    op.kind = kind;
    op.source = std::move(source);
    op.destination = std::move(destination);
    op.origin = "skiff";
    return op;
}

MountOp host_file(const char* path) {
    MountOp op = builtin(MountKind::bind, path, path);
    op.read_only = true;
    op.recursive = false;
    op.create = CreatePolicy::file;
    op.missing = MissingSource::skip;  // a host without it gives the container none either
    op.optional_destination = true;
    return op;
}

MountOp generated_file(std::string destination, std::string content) {
    MountOp op = builtin(MountKind::file, "", std::move(destination));
    op.read_only = true;
    op.create = CreatePolicy::file;
    op.content = std::move(content);
    op.optional_destination = true;
    return op;
}

Propagation propagation_of(edf::Propagation p) {
    switch (p) {
        case edf::Propagation::rprivate: return Propagation::rprivate;
        case edf::Propagation::private_: return Propagation::private_;
        case edf::Propagation::rslave: return Propagation::rslave;
        case edf::Propagation::slave: return Propagation::slave;
    }
    return Propagation::rprivate;
}

// A host device node or directory at the same path: read-write, never exec or setuid, and
// left out where the host has none.
MountOp host_device(const char* path, CreatePolicy create) {
    MountOp op = device_bind(path, path, "skiff");
    op.recursive = create == CreatePolicy::directory;
    op.create = create;
    op.missing = MissingSource::skip;
    return op;
}

// The container's own /dev (README "Devices"): a directory skiff makes, with the links every
// program expects, the host's basic nodes and terminals, InfiniBand's nodes, and AMD's GPU
// nodes (until a hook chooses among them). Other devices come from hooks and the EDF's
// `devices`; a host device not listed is not in the container, so binding only the chosen
// NVIDIA GPUs keeps tasks apart.
void add_dev(std::vector<MountOp>& mounts) {
    MountOp dev = builtin(MountKind::links, "", "/dev");
    dev.links = {{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
                 {"stderr", "/proc/self/fd/2"}};
    dev.nosuid = true;
    dev.noexec = true;
    dev.create = CreatePolicy::directory;
    mounts.push_back(std::move(dev));
    for (const char* node : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
                             "/dev/ptmx", "/dev/kfd"})
        mounts.push_back(host_device(node, CreatePolicy::file));
    // /dev/ptmx opens the devpts instance at the pts next to it: the host's, bound here.
    for (const char* dir : {"/dev/pts", "/dev/mqueue", "/dev/hugepages", "/dev/infiniband", "/dev/dri"})
        mounts.push_back(host_device(dir, CreatePolicy::directory));
}

}  // namespace

std::vector<MountOp> standard_mounts() {
    std::vector<MountOp> mounts;
    add_dev(mounts);
    mounts.push_back(builtin(MountKind::bind, "/proc", "/proc"));
    MountOp sys = builtin(MountKind::bind, "/sys", "/sys");
    sys.read_only = true;
    mounts.push_back(sys);
    MountOp tmp = builtin(MountKind::tmpfs, "", "/tmp");
    tmp.options = "mode=1777";
    tmp.create = CreatePolicy::directory;
    mounts.push_back(tmp);
    mounts.push_back(host_file("/etc/hosts"));
    mounts.push_back(host_file("/etc/resolv.conf"));
    return mounts;
}

MountOp from_edf(const edf::MountSpec& spec) {
    MountOp op;
    op.kind = spec.flags.sqsh ? MountKind::sqsh : MountKind::bind;
    op.source = spec.source;
    op.destination = spec.destination;
    op.read_only = spec.flags.read_only || spec.flags.sqsh;
    op.recursive = spec.flags.recursive;
    op.nosuid = spec.flags.nosuid;
    op.nodev = spec.flags.nodev;
    op.noexec = spec.flags.noexec;
    op.propagation = propagation_of(spec.flags.propagation);
    op.create = spec.flags.sqsh ? CreatePolicy::directory : CreatePolicy::like_source;
    op.ldcache = spec.flags.ldcache;
    op.origin = spec.origin.str();
    return op;
}

std::vector<MountOp> hook_mounts(const std::vector<Contribution>& all, MountPlace place) {
    std::vector<const Contribution*> contributions;
    for (const auto& c : all)
        if (c.place == place) contributions.push_back(&c);
    std::vector<MountOp> mounts;
    bool libraries = false;
    for (const auto* c : contributions) libraries = libraries || !c->libraries.empty();
    if (libraries) {
        MountOp skiff_dir = builtin(MountKind::tmpfs, "", private_dir);
        skiff_dir.options = "mode=0755";
        skiff_dir.create = CreatePolicy::directory;
        mounts.push_back(std::move(skiff_dir));
    }
    for (const auto* c : contributions) {
        for (const auto& lib : c->libraries) {
            MountOp op = builtin(MountKind::bind, lib.host_path, lib.container_path());
            op.read_only = true;
            op.recursive = false;
            op.create = CreatePolicy::file;
            op.ldcache = true;
            op.origin = "hook " + c->hook + ": " + lib.reason;
            mounts.push_back(std::move(op));
        }
        mounts.insert(mounts.end(), c->mounts.begin(), c->mounts.end());
    }
    return mounts;
}

std::vector<MountOp> linker_mounts(const LinkerConfig& linker, bool writable_root) {
    std::vector<MountOp> mounts;
    auto install = [&](const std::string& path, const std::string& content) {
        MountOp op = generated_file(path, content);
        op.optional_destination = false;
        if (writable_root) op.kind = MountKind::write;
        mounts.push_back(std::move(op));
    };
    if (!linker.musl_links.empty()) {
        MountOp links = builtin(MountKind::links, "", musl_links_dir);
        links.read_only = true;
        links.create = CreatePolicy::directory;
        links.links = linker.musl_links;
        mounts.push_back(std::move(links));
    }
    if (linker.musl_path_file) install(*linker.musl_path_file, linker.musl_path_content);
    if (linker.glibc_cache) install("/etc/ld.so.cache", *linker.glibc_cache);
    return mounts;
}

}  // namespace skiff::plan
