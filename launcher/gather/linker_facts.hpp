// The dynamic-linker configuration for injected libraries (`ldcache` mounts and the hooks'
// /.skiff/lib), computed from the image's own files (never by running ldconfig): a new
// /etc/ld.so.cache for glibc images, a new path file plus soname links for musl images.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "launcher/plan/planner.hpp"
#include "libfabric-bind/cache_format.hpp"
#include "libfabric-bind/file_source.hpp"
#include "libfabric-bind/libc_detect.hpp"

namespace skiff::gather {

// The image's dynamic linker as its files describe it, read once for the hooks and the linker
// configuration.
struct ImageLinker {
    std::unique_ptr<ldcache::FileSource> files;
    ldcache::LibcInfo libc;
    std::vector<ldcache::CacheEntry> cache;  // the image's ld.so.cache; empty if none or unreadable
};

// Warnings (libc detection) go to diag.
Result<ImageLinker> read_image_linker(const image::ImageSource& image, const std::vector<std::string>& command,
                                      Diagnostics& diag);

// True when some mount of the environment has the `ldcache` flag.
bool has_ldcache_mounts(const edf::Environment& environment);

// nullopt when nothing injects libraries. `linker` must be set when something does. Warnings
// (skipped glibc libraries on a musl image, an unreadable image cache) go to diag.
// `probe_memo` is the file of remembered library probes (libfabric-bind/probe_memo.hpp) a
// glibc image's scan uses and updates; empty: none.
Result<std::optional<plan::LinkerConfig>> read_linker_config(const edf::Environment& environment,
                                                             ImageLinker* linker,
                                                             const std::vector<hooks::Contribution>& contributions,
                                                             const std::string& probe_memo, Diagnostics& diag);

}  // namespace skiff::gather
