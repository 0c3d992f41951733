#include "hooks/cxi/cxi_hook.hpp"

#include <array>
#include <string_view>

#include "hooks/switches.hpp"
#include "launcher/site/site_table.hpp"

namespace skiff::hooks {
namespace {

using site::SiteTable;

constexpr std::array<std::string_view, 6> cxi_keys = {"default", "auto_device", "libraries", "devices", "providers", "env"};

Result<SiteDefault> default_mode(const SiteTable& table) {
    auto text = table.text("default");
    if (!text) return Unexpected(text.error());
    if (!*text) return SiteDefault::off;
    if (**text == "auto") return SiteDefault::automatic;
    auto on = parse_switch(**text);
    if (!on) return fail(table.where("default") + " must be \"true\", \"false\" or \"auto\" (got \"" + **text + "\")");
    return *on ? SiteDefault::on : SiteDefault::off;
}

}  // namespace

Result<CxiSettings> read_cxi_settings(const site::SiteConfig& config) {
    CxiSettings settings;
    settings.site_path = config.path;
    auto found = SiteTable::open(&config, "hooks.cxi", cxi_keys);
    if (!found) return Unexpected(found.error());
    if (!found->present()) return settings;
    const SiteTable& table = *found;
    settings.configured = true;
    auto mode = default_mode(table);
    if (!mode) return Unexpected(mode.error());
    settings.default_mode = *mode;
    auto auto_device = table.text("auto_device");
    auto libraries = table.strings("libraries");
    auto devices = table.strings("devices");
    auto providers = table.text("providers");
    auto env = table.string_table("env");
    for (const Error* e : {auto_device ? nullptr : &auto_device.error(), libraries ? nullptr : &libraries.error(),
                           devices ? nullptr : &devices.error(), providers ? nullptr : &providers.error(),
                           env ? nullptr : &env.error()})
        if (e) return Unexpected(*e);
    if (*auto_device) settings.auto_device = **auto_device;
    settings.libraries = std::move(*libraries);
    settings.libraries_key = table.where("libraries");
    settings.devices = std::move(*devices);
    settings.providers = std::move(*providers);
    if (*env) settings.env = std::move(**env);
    return settings;
}

}  // namespace skiff::hooks
