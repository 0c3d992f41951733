// The dynamic-linker configuration for the libraries that `ldcache` mounts inject, computed
// from the image's own files (never by running ldconfig): a new /etc/ld.so.cache for glibc
// images, a new path file plus soname links for musl images.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::cli {

// nullopt when no mount injects libraries. Warnings (skipped glibc libraries on a musl image,
// an unreadable image cache) go to diag.
Result<std::optional<plan::LinkerConfig>> read_linker_config(const edf::Environment& environment,
                                                             const image::ImageSource& image,
                                                             const std::vector<std::string>& command,
                                                             Diagnostics& diag);

}  // namespace skiff::cli
