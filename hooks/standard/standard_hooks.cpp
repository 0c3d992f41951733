#include "hooks/standard/standard_hooks.hpp"

#include <array>
#include <string_view>

#include "hooks/ssh/ssh_hook.hpp"
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
    c.place = plan::MountPlace::before_edf;
    c.mounts = std::move(mounts);
    c.notes.push_back("standard hook, on ([hooks.standard])");
    return c;
}

// The hook's facts: none, or whether /dev/shm is shared (shm, always on).
template <bool Switches::*on>
Result<std::optional<HookFacts>> gather_switched(const plan::PlanRequest& request, SharedFacts& shared) {
    if (!shared.standard) {
        auto switches = read_switches(request.site);
        if (!switches) return Unexpected(switches.error());
        shared.standard = *switches;
    }
    const Switches& switches = *shared.standard;
    if (on == &Switches::shm) return std::optional<HookFacts>(HookFacts(switches.*on));
    if (!(switches.*on)) return std::optional<HookFacts>{};
    return std::optional<HookFacts>(HookFacts{});
}

Contribution passwd(const plan::PlanRequest& request) {
    return mounts_only("passwd", {generated_file("/etc/passwd", plan::passwd_content(request)),
                                 generated_file("/etc/group", plan::group_content(request, ssh_requested(request.environment)))});
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
    Contribution c = mounts_only("shm", {op});
    if (!shared) c.notes = {"standard hook, off ([hooks.standard]): a private tmpfs on /dev/shm"};
    return c;
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

Result<std::optional<HookFacts>> gather_shm(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics&) {
    return gather_switched<&Switches::shm>(request, shared);
}
Result<std::optional<HookFacts>> gather_passwd(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics&) {
    return gather_switched<&Switches::passwd>(request, shared);
}
Result<std::optional<HookFacts>> gather_localtime(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics&) {
    return gather_switched<&Switches::localtime>(request, shared);
}
Result<std::optional<HookFacts>> gather_home(const plan::PlanRequest& request, SharedFacts& shared, Diagnostics&) {
    return gather_switched<&Switches::home>(request, shared);
}

Result<Contribution> contribute_shm(const HookFacts& shared, const plan::PlanRequest&) {
    return shm(std::any_cast<bool>(shared));
}
Result<Contribution> contribute_passwd(const HookFacts&, const plan::PlanRequest& request) { return passwd(request); }
Result<Contribution> contribute_localtime(const HookFacts&, const plan::PlanRequest&) { return localtime(); }
Result<Contribution> contribute_home(const HookFacts&, const plan::PlanRequest& request) { return home(request); }

}  // namespace skiff::hooks::standard
