// The glibc cache for injected directories (`ldcache` mounts, scanned) plus injected single
// files (the hooks' /.skiff/lib/<soname> binds, named by the caller): ldcache.md §3 with both
// kinds of injection. The directories come first and so win a tie, as the EDF has the last word.
#pragma once

#include <string>
#include <vector>

#include "libfabric-bind/linker_config.hpp"

namespace skiff::ldcache {

// A cache key and the container path of the file it resolves to. Aliases are just more keys.
struct InjectedFile {
    std::string key;
    std::string container_path;
};

Result<GlibcPlan> plan_glibc_cache_with_files(FileSource& image, const std::vector<InjectedDir>& dirs,
                                              const std::vector<InjectedFile>& files, const ArchInfo& arch);

}  // namespace skiff::ldcache
