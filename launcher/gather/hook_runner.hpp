// Running the built-in network hooks for `skiff run` (hooks.md): which are on, the image and
// host facts they need (read only when some hook is on), and their contributions in order,
// each timed for -v.
#pragma once

#include <optional>
#include <vector>

#include "common/diagnostics.hpp"
#include "hooks/contribution.hpp"
#include "launcher/gather/linker_facts.hpp"
#include "common/timeline.hpp"
#include "launcher/site/site_config.hpp"

namespace skiff::gather {

struct HookInputs {
    const site::SiteConfig& site;
    const edf::Environment& environment;
    const image::ImageSource& image;
    const std::vector<std::string>& command;
};

// `linker` is filled when a hook or an `ldcache` mount needs the image's dynamic linker.
Result<std::vector<hooks::Contribution>> run_network_hooks(const HookInputs& inputs, std::optional<ImageLinker>& linker,
                                                           Diagnostics& diag, Timeline& timeline);

}  // namespace skiff::gather
