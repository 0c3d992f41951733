// The dynamic-linker configuration for injected libraries (`ldcache` mounts and the hooks'
// /.skiff/lib), computed from the image's own files (never by running ldconfig): a new
// /etc/ld.so.cache for glibc images, a new path file plus soname links for musl images.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/diagnostics.hpp"
#include "launcher/plan/planner.hpp"
#include "hooks/image_linker.hpp"

namespace skiff::gather {

// nullopt when nothing injects libraries. `linker` must be set when something does. Warnings
// (skipped glibc libraries on a musl image, an unreadable image cache) go to diag.
// `probe_memo` is the file of remembered library probes (libfabric-bind/probe_memo.hpp) a
// glibc image's scan uses and updates; empty: none.
Result<std::optional<plan::LinkerConfig>> read_linker_config(const edf::Environment& environment,
                                                             hooks::ImageLinker* linker,
                                                             const std::vector<plan::Contribution>& contributions,
                                                             const std::string& probe_memo, Diagnostics& diag);

}  // namespace skiff::gather
