#include "hooks/standard/standard_hooks.hpp"

#include <array>
#include <string_view>

#include "launcher/plan/identity_files.hpp"
#include "launcher/site/site_table.hpp"

namespace skiff::hooks::standard {
namespace {

using plan::CreatePolicy;
using plan::MountKind;
using plan::MountOp;

constexpr std::array<std::string_view, 4> known_keys = {"passwd", "localtime", "home", "shm"};

MountOp hook_mount(const std::string& hook, MountKind kind, std::string source, std::string destination) {
    MountOp op;
    op.kind = kind;
    op.source = std::move(source);
    op.destination = std::move(destination);
    op.origin = "hook " + hook;
    return op;
}

MountOp generated_file(std::string destination, std::string content) {
    MountOp op = hook_mount("passwd", MountKind::file, "", std::move(destination));
    op.read_only = true;
    op.create = CreatePolicy::file;
    op.content = std::move(content);
    op.optional_destination = true;
    return op;
}

Contribution mounts_only(std::string hook, std::vector<MountOp> mounts) {
    Contribution c;
    c.hook = std::move(hook);
    c.mounts = std::move(mounts);
    return c;
}

Contribution passwd(const plan::PlanRequest& request) {
    return mounts_only("passwd", {generated_file("/etc/passwd", plan::passwd_content(request)),
                                 generated_file("/etc/group", plan::group_content(request))});
}

// Images often make /etc/localtime a symlink into /usr/share/zoneinfo; the symlink is
// replaced (in the writable layer) so that the zone file it named stays as it is.
Contribution localtime() {
    MountOp op = hook_mount("localtime", MountKind::bind, "/etc/localtime", "/etc/localtime");
    op.read_only = true;
    op.recursive = false;
    op.create = CreatePolicy::file;
    op.replace_symlink = true;
    op.missing = plan::MissingSource::skip;
    op.optional_destination = true;
    return mounts_only("localtime", {op});
}

// $HOME as the container sees it (layer 1 of the environment), else the passwd entry's.
std::string home_directory(const plan::HostFacts& host) {
    auto it = host.env.find("HOME");
    if (it != host.env.end() && it->second.starts_with("/")) return it->second;
    return host.home;
}

Contribution home(const plan::PlanRequest& request) {
    std::string dir = home_directory(request.host);
    if (dir.empty() || dir == "/") return mounts_only("home", {});
    MountOp op = hook_mount("home", MountKind::bind, dir, dir);
    op.create = CreatePolicy::directory;
    op.missing = plan::MissingSource::skip;
    return mounts_only("home", {op});
}

Contribution shm(bool shared) {
    MountOp op = shared ? hook_mount("shm", MountKind::bind, "/dev/shm", "/dev/shm")
                        : hook_mount("shm", MountKind::tmpfs, "", "/dev/shm");
    op.nosuid = true;
    op.nodev = true;
    op.create = CreatePolicy::directory;
    if (shared) {
        op.recursive = false;
        op.missing = plan::MissingSource::skip;
    } else {
        op.options = "mode=1777";
    }
    return mounts_only("shm", {op});
}

}  // namespace

Result<Switches> read_switches(const site::SiteConfig* site) {
    auto table = site::SiteTable::open(site, "hooks.standard", known_keys);
    if (!table) return Unexpected(table.error());
    Switches s;
    for (auto [key, value] : {std::pair{"passwd", &s.passwd}, std::pair{"localtime", &s.localtime},
                              std::pair{"home", &s.home}, std::pair{"shm", &s.shm}}) {
        auto on = table->switch_value(key, *value);
        if (!on) return Unexpected(on.error());
        *value = *on;
    }
    return s;
}

std::vector<Contribution> contribute(const plan::PlanRequest& request, const Switches& switches) {
    std::vector<Contribution> out;
    out.push_back(shm(switches.shm));
    if (switches.passwd) out.push_back(passwd(request));
    if (switches.localtime) out.push_back(localtime());
    if (switches.home) out.push_back(home(request));
    return out;
}

}  // namespace skiff::hooks::standard
