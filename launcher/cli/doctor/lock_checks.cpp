// The "image store locks" check: pulls into the image store are serialized by flock() on
// "<image>.lock" (launcher/image/store.hpp), so that nodes pulling the same image make one
// download. That holds across nodes only where the shared file system's flock is coherent
// between clients. NFS mounted with `nolock`, or `local_lock=flock|all`, and Lustre mounted
// with `localflock` keep flock local to each node (nfs(5), Lustre manual "flock"); Lustre
// mounted with neither `flock` nor `localflock` refuses flock (ENOSYS), so pulls there fail.
#include <filesystem>
#include <sstream>

#include "common/mountinfo.hpp"
#include "common/read_small_file.hpp"
#include "launcher/cli/doctor/findings.hpp"
#include "launcher/image/store.hpp"

namespace skiff::cli::doctor {
namespace {

// The mount that holds `path` (the longest mount point that is a prefix of it).
std::optional<MountInfo> mount_holding(const std::string& path) {
    auto text = read_small_file("/proc/self/mountinfo", 16 << 20);
    std::optional<MountInfo> best;
    for (auto& mount : parse_mountinfo(text ? *text : "")) {
        const std::string& point = mount.point;
        bool holds = path == point || point == "/" || path.starts_with(point + "/");
        if (holds && (!best || point.size() >= best->point.size())) best = std::move(mount);
    }
    return best;
}

bool has_option(const std::string& options, std::string_view name) {
    std::istringstream in(options);
    for (std::string option; std::getline(in, option, ',');)
        if (option == name) return true;
    return false;
}

// The store's directory, or its closest existing parent (a store not made yet).
std::string existing_path(std::filesystem::path path) {
    std::error_code ec;
    while (!std::filesystem::exists(path, ec) && path.has_parent_path() && path != path.parent_path())
        path = path.parent_path();
    auto canonical = std::filesystem::canonical(path, ec);
    return ec ? path.string() : canonical.string();
}

}  // namespace

std::optional<std::string> flock_not_shared(std::string_view type, const std::string& options) {
    if (type == "nfs" || type == "nfs4") {
        if (has_option(options, "nolock")) return "NFS mounted with nolock: flock is local to each node";
        if (has_option(options, "local_lock=flock")) return "NFS mounted with local_lock=flock: flock is local to each node";
        if (has_option(options, "local_lock=all")) return "NFS mounted with local_lock=all: flock is local to each node";
    } else if (type == "lustre") {
        if (has_option(options, "localflock")) return "Lustre mounted with localflock: flock is local to each node";
        if (!has_option(options, "flock")) return "Lustre mounted without flock: flock fails there, and so do pulls";
    }
    return std::nullopt;
}

void check_store_locks(Findings& out, const Host& host) {
    auto store = image::locate_store(host.env, image::MissingStore::leave);
    if (!store || store->is_void) return;  // "image store" says what is wrong
    std::string path = existing_path(store->dir);
    auto mount = mount_holding(path);
    if (!mount) {
        out.push_back({"image store locks", Verdict::warn, "cannot find the mount of " + path + " in /proc/self/mountinfo", ""});
        return;
    }
    std::string where = store->dir + " on " + mount->type + " (" + mount->point + ")";
    if (auto problem = flock_not_shared(mount->type, mount->options)) {
        out.push_back({"image store locks", Verdict::warn,
                       where + ": " + *problem + "; nodes pulling the same image at once each download it (the last "
                               "one's file replaces the others', whole)",
                       "mount it with coherent locks (NFS: lock, local_lock=none; Lustre: flock), set EDF_IMAGESTORE "
                       "to a store that has them, or pull the image once before the job (skiff image pull)"});
        return;
    }
    out.push_back({"image store locks", Verdict::ok, where + ": pulls of the same image wait for each other", ""});
}

}  // namespace skiff::cli::doctor
