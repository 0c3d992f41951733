// `skiff run` with a registry reference (edf.md §7.2): the image store's file when it is there
// (the registry is not contacted), else skiff-pull pulls it first. With no store (void), the
// image is pulled into a private temporary file that is opened and unlinked at once: the
// launch uses it through /proc/<pid>/fd/<n>, its squashfs server keeps its own descriptor, and
// the space is freed when the container ends, however it ends.
#pragma once

#include <string>
#include <vector>

#include "common/env_map.hpp"
#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace skiff::gather {

struct RegistryImage {
    std::string path;          // a local squashfs file (or /proc/<pid>/fd/<n> when void)
    bool temporary = false;    // void: the launch must not use an image server
    std::string why_temporary; // for -v: "EDF_IMAGESTORE=void" or why the store cannot be used
    UniqueFd keep;         // void: the open, unlinked file (close-on-exec)
};

// `value` is a registry reference (not a local path); errors are prefixed with `where`.
// Without `may_pull` (--dry-run changes nothing) an image missing from the store is an error.
Result<RegistryImage> obtain_registry_image(const std::string& value, const std::string& where,
                                            const std::string& cwd, const EnvMap& env, bool may_pull,
                                            std::vector<std::string>& warnings);

}  // namespace skiff::gather
