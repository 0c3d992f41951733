#include "hooks/cxi/cxi_hook.hpp"
#include "hooks/site_table.hpp"
#include "hooks/switches.hpp"

namespace skiff::hooks {
namespace {

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

Result<CxiSettings> read_cxi_settings(const site::SiteConfig& config, Diagnostics& diag) {
    CxiSettings settings;
    settings.site_path = config.path;
    auto found = SiteTable::find(config, "hooks.cxi");
    if (!found) return Unexpected(found.error());
    if (!*found) return settings;
    const SiteTable& table = **found;
    table.warn_unknown({"default", "auto_device", "libraries", "devices", "providers", "env"}, diag);
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
