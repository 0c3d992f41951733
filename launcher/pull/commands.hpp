// skiff-pull: the part of skiff that links libarchive, libsquashfs and (through the registry
// client) libcurl, kept out of the `skiff` binary so that launches load none of them. `skiff
// image pull|import` and `skiff run` with a registry reference execute it (README).
//
//   skiff-pull pull REF [-o FILE]         into the image store (prints the file), or into FILE
//   skiff-pull import SRC -o FILE [--gzip]
//   skiff-pull resolve REF                REF pinned to its tag's digest now (prints it)
//   skiff-pull save -o FILE --tree FD --image FD [--restore PATH]... [--restore-if-unchanged
//                   INODE:CTIME_NS:PATH]... [--exit-status N] [--gzip]
//                                         a container's root as an image (skiff run --save)
#pragma once

#include <string>
#include <vector>

#include "common/env_map.hpp"

namespace skiff::pull {

int pull_command(const std::vector<std::string>& args, const EnvMap& env);
int import_command(const std::vector<std::string>& args);
int resolve_command(const std::vector<std::string>& args, const EnvMap& env);
int save_command(const std::vector<std::string>& args);

// "skiff: error: <message>" on stderr; returns exit_code::setup_failed.
int report(const std::string& message);

}  // namespace skiff::pull
