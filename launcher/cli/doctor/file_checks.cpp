// The files a launch needs: /dev/fuse, skiff's runtime directory and image store, and the
// site configuration.
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/diagnostics.hpp"
#include "common/unique_fd.hpp"
#include "hooks/check_hooks.hpp"
#include "launcher/cli/doctor/findings.hpp"
#include "launcher/gather/runtime_dir.hpp"
#include "launcher/image/store.hpp"

namespace skiff::cli::doctor {
namespace {

// The file system of `path`, or of the nearest directory above it that exists.
std::string file_system_of(std::filesystem::path path) {
    struct statfs fs {};
    while (::statfs(path.c_str(), &fs) != 0 && path.has_parent_path() && path != path.parent_path())
        path = path.parent_path();
    return file_system_name(static_cast<long>(fs.f_type));
}

void check_runtime_directory(Findings& out, const Host& host) {
    auto runtime = gather::private_runtime_dir(host.env, host.uid, "/tmp", gather::Missing::leave);
    if (!runtime) {
        out.push_back({"runtime directory", Verdict::warn, runtime.error().message + "; launches start cold",
                       "set XDG_RUNTIME_DIR to a private directory of yours (mode 0700)"});
        return;
    }
    std::string fs = file_system_of(runtime->path);
    std::string where = runtime->path + (runtime->valid() ? "" : " (made by the first launch)") + " on " + fs;
    if (fs == "nfs" || fs == "lustre") {
        out.push_back({"runtime directory", Verdict::warn, where + ": sockets and locks there are slow or unreliable",
                       "set XDG_RUNTIME_DIR to a node-local directory (systemd's /run/user/UID, or one in /tmp)"});
    } else {
        out.push_back({"runtime directory", Verdict::ok, where + ", private to you", ""});
    }
}

void check_image_store(Findings& out, const Host& host) {
    auto store = image::locate_store(host.env, image::MissingStore::leave);
    if (!store) {
        out.push_back({"image store", Verdict::fail, store.error().message, "fix EDF_IMAGESTORE (an existing absolute directory, or void)"});
    } else if (store->is_void) {
        out.push_back({"image store", Verdict::warn, "none: registry images are pulled for each launch" +
                                                         (store->warning.empty() ? "" : " (" + store->warning + ")"),
                       "set EDF_IMAGESTORE to a directory of yours to keep pulled images"});
    } else if (::access(store->dir.c_str(), F_OK) == 0 && ::access(store->dir.c_str(), W_OK | X_OK) != 0) {
        out.push_back({"image store", Verdict::fail, store->dir + " is not writable by you", "chmod u+rwx " + store->dir + ", or set EDF_IMAGESTORE"});
    } else {
        bool exists = ::access(store->dir.c_str(), F_OK) == 0;
        out.push_back({"image store", Verdict::ok, store->dir + (exists ? "" : " (made by the first pull)") + " on " + file_system_of(store->dir), ""});
    }
}

}  // namespace

std::string file_system_name(long f_type) {
    switch (static_cast<unsigned long>(f_type)) {
    case 0x6969UL: return "nfs";
    case 0x0BD00BD0UL: return "lustre";
    case 0x01021994UL: return "tmpfs";
    case 0xEF53UL: return "ext4";
    case 0x58465342UL: return "xfs";
    case 0x9123683EUL: return "btrfs";
    case 0x65735546UL: return "fuse";
    case 0x47504653UL: return "gpfs";
    case 0x794C7630UL: return "overlayfs";
    default: {
        char hex[32];
        std::snprintf(hex, sizeof hex, "file system 0x%lx", static_cast<unsigned long>(f_type));
        return hex;
    }
    }
}

void check_fuse_device(Findings& out) {
    const std::string fix = "chmod 0666 /dev/fuse (udev does it with the fuse package's rules), or modprobe fuse if it is missing";
    struct stat st {};
    if (::stat("/dev/fuse", &st) != 0) {
        out.push_back({"/dev/fuse", Verdict::fail, std::string("missing: ") + std::strerror(errno) + "; squashfs images cannot be mounted", fix});
        return;
    }
    char mode[16];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    UniqueFd fd(::open("/dev/fuse", O_RDWR | O_CLOEXEC));
    if (!S_ISCHR(st.st_mode) || !fd.valid()) {
        out.push_back({"/dev/fuse", Verdict::fail, std::string("mode ") + mode + ", and this user cannot open it read-write" +
                                                       (S_ISCHR(st.st_mode) ? "" : " (not a character device)") + "; squashfs images cannot be mounted",
                       fix});
        return;
    }
    out.push_back({"/dev/fuse", Verdict::ok, std::string("mode ") + mode + ", usable by this user", ""});
}

void check_state_directories(Findings& out, const Host& host) {
    check_runtime_directory(out, host);
    check_image_store(out, host);
}

std::optional<site::SiteConfig> check_site_config(Findings& out, const Host& host) {
    auto config = site::load_site_config(host.env);
    if (!config) {
        out.push_back({"site configuration", Verdict::fail, config.error().message, "fix the file (skiff.toml(5) describes it)"});
        return std::nullopt;
    }
    if (config->path.empty()) {
        out.push_back({"site configuration", Verdict::ok, std::string("none (") + site::default_config_path + " is absent): the defaults apply", ""});
    } else {
        Diagnostics diag;  // the hooks' tables, as a launch reads them
        hooks::check_hooks(edf::Environment{}, *config, host.env, diag);
        if (diag.ok())
            out.push_back({"site configuration", Verdict::ok, config->path + " parses, and a plain launch accepts its hook tables", ""});
        else
            out.push_back({"site configuration", Verdict::fail, diag.errors.front(), "fix the file (skiff.toml(5) describes it)"});
    }
    return std::move(*config);
}

}  // namespace skiff::cli::doctor
