// Where `--save FILE` writes the container as an image (plan::ImageSave): checked before the
// container starts, so that a path that cannot be written fails at once and not after an
// hour of work (the planner checks that the root can be saved at all). The annotation
// com.skiff.container_save = "/abs/FILE" asks the same from an EDF (and
// com.skiff.container_save_always = "true" for --save-always); the command line wins.
#pragma once

#include <optional>

#include "common/error.hpp"
#include "launcher/gather/run_options.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::gather {

// nullopt when nothing asks for a save.
Result<std::optional<plan::ImageSave>> save_target(const RunOptions& options, const edf::Environment& environment,
                                                   const std::string& cwd);

}  // namespace skiff::gather
