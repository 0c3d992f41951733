// Where a new image file may be written (skiff run --save, srun --container-save), checked
// before the container starts so that a bad path fails at once, not after the job's work.
#pragma once

#include <string>

namespace skiff {

// "" when `path`'s directory exists, the caller may create files in it, and `path` is not a
// directory; otherwise what is wrong and what to do ("directory '/x' does not exist; create it
// first"), for the caller to put after its own context.
std::string image_file_place_problem(const std::string& path);

}  // namespace skiff
