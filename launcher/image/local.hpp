// Classifies an image value (edf.md §7.1 rules 1 and 6, §11 messages): a local squashfs file
// or directory, or a registry reference. Every error line starts "<where>: image '<value>'".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "launcher/image/reference.hpp"

namespace skiff::image {

// What a local image is, at the moment it was classified. The identity fields let later
// steps (caches of linker configuration, squashfs mounts) notice that the file was replaced.
struct ImageSource {
    enum class Kind { squashfs, directory };
    Kind kind = Kind::squashfs;
    std::string path;  // absolute and lexically normalised ("." and ".." removed), no trailing '/'

    dev_t device = 0;            // st_dev of the file (after following symlinks)
    ino_t inode = 0;             // st_ino
    std::int64_t size = 0;       // st_size in bytes
    std::int64_t mtime_ns = 0;   // st_mtim in nanoseconds since the epoch

    bool operator==(const ImageSource&) const = default;
};

// §7.1 rule 1: "/...", "./...", "../..." (and "." or "..") are local paths.
bool is_local_path(const std::string& value);

// `value` is the expanded image string, `where` the location prefix of errors (an EDF's
// "file:line", or "command line"), `cwd` the directory that "./" paths are relative to.
// Local paths must exist and be a directory or a squashfs file (magic "hsqs"). Registry
// references are checked by classify_registry() and then refused: this is for the commands
// that take only a local image (`skiff run` pulls first: cli/registry_image.hpp).
Result<ImageSource> classify(const std::string& value, const std::string& where, const std::string& cwd);

// The registry half of classify(): the scheme check (rule 5), the "looks like a file" hint
// (rule 6: a squashfs suffix, or a file or directory of that name in `cwd`: "did you mean
// ./NAME?") and parse_reference(), with errors prefixed by `where`. The hint is skipped when
// the value starts with docker://: that is how a user names a Docker Hub image that shares
// its name with a file or directory in the working directory.
Result<RegistryRef> classify_registry(const std::string& value, const std::string& where,
                                      const std::string& cwd);

}  // namespace skiff::image
