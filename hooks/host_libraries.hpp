// The library part shared by the network hooks (hooks.md §1, §2): from configured host files to
// the libraries to inject, with the DT_NEEDED closure, the glibc family left out, what earlier
// hooks injected skipped, glibc-linked libraries skipped on musl images (ldcache.md §5.4), and
// the ABI checks on glibc images.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hooks/hook_context.hpp"

namespace skiff::hooks {

struct LibrarySelection {
    std::vector<InjectedLibrary> libraries;
    std::vector<std::string> notes;                // one per library left out, and why
    std::optional<std::string> musl_warning;       // glibc-linked libraries skipped on musl
    // Each library file read, and each path a dependency was looked for at in vain.
    std::vector<plan::HostInput> inputs;
};

// Expands each glob (host paths) into existing files, sorted; a pattern that matches nothing is
// an error naming `key` ("/etc/skiff/skiff.toml:3: hooks.cxi.libraries").
Result<std::vector<std::string>> expand_library_globs(const std::vector<std::string>& patterns, const std::string& key);

// The same for devices: patterns that match nothing are returned in `missing`.
std::vector<std::string> expand_device_globs(const std::vector<std::string>& patterns, std::vector<std::string>& missing);

// What the expansion of `patterns` depends on, into `inputs`: for a pattern without wildcards,
// whether its path exists; else every directory it lists or looks into, from the last one
// without wildcards down, as a directory's times change when an entry is added, removed or
// renamed.
void add_glob_inputs(const std::vector<std::string>& patterns, std::vector<plan::HostInput>& inputs);

// A host path with its symlinks resolved (the path itself if that fails).
std::string host_real_path(const std::string& path);

// Errors name the library and the problem ("libfabric.so.1 (/usr/lib64/libfabric.so.1.22.0)
// needs GLIBC_2.38 (libc.so.6), the image has glibc 2.36"); the caller adds the hook and the
// way out. `exclude` leaves out more sonames (the GPU runtime for the NCCL plugin).
Result<LibrarySelection> select_libraries(const HookContext& ctx, const std::string& hook,
                                          const std::vector<std::string>& roots,
                                          const ldcache::ClosureOptions& options = {});

}  // namespace skiff::hooks
