#include "hooks/nvidia/nvidia_settings.hpp"

#include <array>
#include <string_view>

#include "launcher/site/site_table.hpp"

namespace skiff::hooks::nvidia {
namespace {

constexpr std::array<std::string_view, 5> nvidia_keys = {"driver_proc", "devices_dir", "ld_cache", "programs_dirs",
                                                         "firmware_dir"};

}  // namespace

Result<NvidiaSettings> read_nvidia_settings(const site::SiteConfig* config) {
    NvidiaSettings settings;
    auto found = site::SiteTable::open(config, "hooks.nvidia", nvidia_keys);
    if (!found) return Unexpected(found.error());
    if (!found->present()) return settings;
    const auto& table = *found;
    for (auto [key, value] : {std::pair{"driver_proc", &settings.driver_proc}, std::pair{"devices_dir", &settings.devices_dir},
                              std::pair{"ld_cache", &settings.ld_cache}, std::pair{"firmware_dir", &settings.firmware_dir}}) {
        auto text = table.string_value(key, *value);
        if (!text) return Unexpected(text.error());
        *value = std::move(*text);
    }
    auto programs = table.strings("programs_dirs");
    if (!programs) return Unexpected(programs.error());
    if (!programs->empty()) settings.programs_dirs = std::move(*programs);
    return settings;
}

}  // namespace skiff::hooks::nvidia
