// What a built-in hook may look at (hooks.md §0): the site configuration, the annotations, the
// image's C library and linker cache (read from the image's files, never by running anything),
// the host's libraries, and what earlier hooks already contributed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hooks/contribution.hpp"
#include "launcher/edf/edf.hpp"
#include "launcher/site/site_config.hpp"
#include "libfabric-bind/cache_format.hpp"
#include "libfabric-bind/libc_detect.hpp"
#include "libfabric-bind/library_closure.hpp"

namespace skiff::hooks {

using Annotations = std::map<std::string, edf::Sourced<std::string>>;

struct HookContext {
    const site::SiteConfig& site;
    const Annotations& annotations;
    const ldcache::LibcInfo& libc;                   // the image's C library (libc_detect.hpp)
    const std::vector<ldcache::CacheEntry>& image_cache;  // the image's ld.so.cache, maybe empty
    const ldcache::HostLibraryIndex& host_libraries;     // the host's ld.so.cache
    const std::vector<Contribution>& earlier;        // contributions of the hooks before this one
};

}  // namespace skiff::hooks
