// What the planner needs from the image, read without mounting it: metadata (ENV, WORKDIR,
// ENTRYPOINT, CMD) and the image's /etc/passwd and /etc/group.
#pragma once

#include <string>

#include "common/error.hpp"
#include "launcher/plan/planner.hpp"

namespace skiff::gather {

Result<plan::ImageFacts> read_image_facts(const image::ImageSource& image);

// Whether a facts-cache miss stores what was read (a launch) or not (--dry-run writes nothing).
enum class CacheMiss { store, leave };

// The same, through the facts cache in `cache_dir` (facts_cache.hpp) for squashfs images;
// an empty `cache_dir` reads the image. `from_cache` tells which happened.
Result<plan::ImageFacts> read_image_facts(const image::ImageSource& image, const std::string& cache_dir, bool& from_cache,
                                          CacheMiss miss = CacheMiss::store);

}  // namespace skiff::gather
