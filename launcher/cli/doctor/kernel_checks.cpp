// The kernel: its version (the new mount API is 5.12), and whether this user may create user
// and mount namespaces and mount an overlay in them, as a launch does.
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/read_small_file.hpp"
#include "launcher/cli/doctor/findings.hpp"
#include "namespaces/child_call.hpp"
#include "namespaces/fuse_overlay.hpp"
#include "namespaces/mount_ops.hpp"
#include "namespaces/user_namespace.hpp"

namespace skiff::cli::doctor {
namespace {

// A sysctl's number, or nullopt when the file is missing (the kernel has no such switch).
std::optional<long> sysctl(const std::string& name) {
    auto text = read_small_file("/proc/sys/" + name, 64);
    if (!text || text->empty()) return std::nullopt;
    return std::strtol(text->c_str(), nullptr, 10);
}

// In a child: enter a user and mount namespace, mount a tmpfs and an overlay on it, with the
// calls a launch makes. The reply is "namespace: WHY" (the namespace is unusable), "overlay: WHY"
// (only the overlay was refused) or "ok".
std::string try_namespaces(const Host& host) {
    IdMap ids{host.uid, host.gid, host.uid, host.gid};
    if (auto r = ns::enter_user_and_mount_namespace(ids); !r) return "namespace: " + r.error().describe();
    if (auto r = ns::make_root_rslave(); !r) return "namespace: " + r.error().describe();
    if (auto r = ns::mount_tmpfs("/tmp", "mode=0700"); !r) return "namespace: " + r.error().describe();
    for (const char* dir : {"/tmp/l", "/tmp/u", "/tmp/w", "/tmp/m"})
        if (::mkdir(dir, 0700) != 0) return std::string("namespace: mkdir ") + dir + ": " + std::strerror(errno);
    if (auto r = ns::mount_overlay("/tmp/l", "/tmp/u", "/tmp/w", "/tmp/m"); !r) return "overlay: " + r.error().describe();
    return "ok";
}

void report_overlay(Findings& out, const Host& host, const std::string& refused) {
    if (refused.empty()) {
        out.push_back({"overlay", Verdict::ok, "the kernel's overlayfs works in a user namespace", ""});
        return;
    }
    auto path = host.env.find("PATH");
    auto fuse = ns::find_fuse_overlayfs(path != host.env.end() ? path->second : "/usr/bin:/bin");
    if (fuse) {
        out.push_back({"overlay", Verdict::ok, "the kernel refuses overlayfs here (" + refused + "); " + *fuse + " is used", ""});
    } else {
        out.push_back({"overlay", Verdict::fail, "the kernel refuses overlayfs in a user namespace (" + refused +
                                                     ") and fuse-overlayfs is not on PATH",
                       "install fuse-overlayfs (Debian/Ubuntu: apt install fuse-overlayfs), or use --read-only"});
    }
}

}  // namespace

std::optional<std::pair<int, int>> kernel_version(std::string_view release) {
    int major = 0, minor = 0;
    std::size_t i = 0;
    auto number = [&](int& value) {
        std::size_t start = i;
        while (i < release.size() && release[i] >= '0' && release[i] <= '9' && i - start < 6) value = value * 10 + (release[i++] - '0');
        return i > start;
    };
    if (!number(major) || i >= release.size() || release[i++] != '.' || !number(minor)) return std::nullopt;
    return std::pair{major, minor};
}

void check_kernel(Findings& out) {
    utsname u{};
    ::uname(&u);
    auto version = kernel_version(u.release);
    if (!version) {
        out.push_back({"kernel", Verdict::warn, std::string("cannot read the version of '") + u.release + "'", "skiff needs Linux 5.12 or newer"});
    } else if (*version < std::pair{5, 12}) {
        out.push_back({"kernel", Verdict::fail, std::string("Linux ") + u.release + ": the new mount API (open_tree, mount_setattr) needs 5.12",
                       "run skiff on a node with Linux 5.12 or newer"});
    } else {
        out.push_back({"kernel", Verdict::ok, std::string("Linux ") + u.release + " (the new mount API needs 5.12)", ""});
    }
}

void check_user_namespaces(Findings& out, const Host& host) {
    if (auto max = sysctl("user/max_user_namespaces"); max && *max == 0)
        out.push_back({"user namespaces", Verdict::fail, "user.max_user_namespaces is 0", "sysctl -w user.max_user_namespaces=15000 (and in /etc/sysctl.d)"});
    if (auto clone = sysctl("kernel/unprivileged_userns_clone"); clone && *clone == 0)
        out.push_back({"user namespaces", Verdict::fail, "kernel.unprivileged_userns_clone is 0",
                       "sysctl -w kernel.unprivileged_userns_clone=1 (and in /etc/sysctl.d)"});
    bool apparmor = sysctl("kernel/apparmor_restrict_unprivileged_userns").value_or(0) == 1;
    auto reply = ns::call_in_child([&] { return try_namespaces(host); }, 4096);
    std::string result = reply ? reply->bytes : "namespace: " + reply.error().describe();
    if (reply && reply->signal != 0) result = "namespace: the probe died of signal " + std::to_string(reply->signal);
    if (result.starts_with("namespace: ")) {
        std::string fix = apparmor ? "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1): "
                                     "add a profile for " + host.self + " with the 'userns,' rule (see README, Install on a cluster)"
                                   : "ask the admin to allow unprivileged user namespaces (user.max_user_namespaces > 0, "
                                     "kernel.unprivileged_userns_clone = 1 where the kernel has it)";
        out.push_back({"user namespaces", Verdict::fail, "a user and mount namespace cannot be used: " + result.substr(11), fix});
        return;
    }
    out.push_back({"user namespaces", Verdict::ok, apparmor ? "usable (AppArmor restricts them, but not for this binary)" : "usable", ""});
    report_overlay(out, host, result.starts_with("overlay: ") ? result.substr(9) : "");
}

}  // namespace skiff::cli::doctor
