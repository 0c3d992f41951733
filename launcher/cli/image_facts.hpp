// What the planner needs from the image, read without mounting it: metadata (ENV, WORKDIR,
// ENTRYPOINT, CMD) and the image's /etc/passwd and /etc/group.
#pragma once

#include "common/error.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::cli {

Result<plan::ImageFacts> read_image_facts(const image::ImageSource& image);

}  // namespace skiff::cli
